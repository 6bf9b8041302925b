package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;

/** STUB until the full renderer lands. */
public final class GeminiErrorBody {
  private GeminiErrorBody() {
  }

  public static ObjectNode of(ApiError e) {
    ObjectNode body = Json.object();
    ObjectNode err = body.putObject("error");
    err.put("code", e.status());
    err.put("message", e.message());
    err.put("status", switch (e.status()) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> "INTERNAL";
    });
    return body;
  }
}
