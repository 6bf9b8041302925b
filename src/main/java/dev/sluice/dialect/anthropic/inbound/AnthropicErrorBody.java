package dev.sluice.dialect.anthropic.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.anthropic.AnthropicErrors;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.util.Locale;

/**
 * An {@link ApiError} as Anthropic's error body {@code {"type":"error","error":{"type","message"}}},
 * for JSON error responses and the mid-stream {@code event: error}. The type follows the status:
 * 400 {@code invalid_request_error}, 401 {@code authentication_error}, 402 {@code billing_error},
 * 403 {@code permission_error}, 404 {@code not_found_error}, 413 {@code request_too_large},
 * 429 {@code rate_limit_error}, 500 and 502 {@code api_error}, 503 {@code overloaded_error} when the
 * error's code or message says "overloaded" else {@code api_error}, 504 {@code timeout_error},
 * 529 {@code overloaded_error}; any other 4xx {@code invalid_request_error}, any other status
 * {@code api_error}. The message is prefixed with the offending field ({@code param}) unless it
 * already names it.
 */
public final class AnthropicErrorBody {
  private AnthropicErrorBody() {
  }

  public static ObjectNode of(ApiError e) {
    ObjectNode body = Json.object();
    body.put("type", "error");
    ObjectNode error = body.putObject("error");
    error.put("type", type(e));
    error.put("message", message(e));
    return body;
  }

  /** The Anthropic error type for the error's status. */
  public static String type(ApiError e) {
    return switch (e.status()) {
      case 503 -> overloaded(e) ? "overloaded_error" : "api_error";
      case 504 -> "timeout_error";
      case 529 -> "overloaded_error";
      default -> e.status() >= 400 && e.status() < 500 ? AnthropicErrors.typeOfStatus(e.status()) : "api_error";
    };
  }

  private static boolean overloaded(ApiError e) {
    String code = e.code() == null ? "" : e.code();
    String message = e.message() == null ? "" : e.message();
    return (code + " " + message).toLowerCase(Locale.ROOT).contains("overloaded");
  }

  private static String message(ApiError e) {
    String message = e.message() == null ? "" : e.message();
    String param = e.param();
    return param == null || param.isEmpty() || message.contains(param) ? message : param + ": " + message;
  }
}
