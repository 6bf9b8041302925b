package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.JsonFields;

/**
 * Anthropic's error body {@code {"type":"error","error":{"type","message"}}} as the OpenAI-dialect
 * {@link ApiError}: the message is kept and the Anthropic type becomes the {@code code}. The OpenAI
 * type: {@code invalid_request_error} and {@code request_too_large} → {@code invalid_request_error},
 * {@code authentication_error}, {@code permission_error}, {@code not_found_error},
 * {@code rate_limit_error} kept, {@code billing_error} → {@code insufficient_quota},
 * {@code overloaded_error} kept (status 529, so the router may fall back), everything else
 * {@code api_error}. A 4xx status is kept; 5xx become 502 ({@code timeout_error} 504, overloaded 529).
 */
public final class AnthropicErrors {
  static final String OVERLOADED = "overloaded_error";
  static final int OVERLOADED_STATUS = 529;

  private AnthropicErrors() {
  }

  /** The error of an upstream HTTP answer with this status and (possibly non-conforming) body. */
  public static ApiError fromBody(int status, JsonNode body) {
    JsonNode err = body == null ? null : body.path("error");
    String type = JsonFields.text(err, "type");
    String message = JsonFields.text(err, "message");
    if (message == null) {
      message = "upstream answered HTTP " + status;
    }
    if (type == null) {
      type = status >= 400 && status < 500 ? typeOfStatus(status) : "api_error";
    }
    return ApiError.of(clientStatus(status, type), openAiType(type), message, type);
  }

  /**
   * The exception for a mid-stream {@code error} event: {@code overloaded_error} is a 529
   * {@link FailureKind#OVERLOADED}, anything else a 502 {@link FailureKind#SERVER_ERROR}.
   */
  public static GatewayException fromStreamEvent(JsonNode event) {
    JsonNode err = event.path("error");
    String type = JsonFields.text(err, "type");
    String message = JsonFields.text(err, "message");
    if (message == null) {
      message = "upstream stream failed";
    }
    if (OVERLOADED.equals(type)) {
      return ApiError.of(OVERLOADED_STATUS, OVERLOADED, message, OVERLOADED).failure(FailureKind.OVERLOADED);
    }
    return ApiError.of(502, ApiError.API, message, type == null ? "upstream_error" : type)
        .failure(FailureKind.SERVER_ERROR);
  }

  private static int clientStatus(int status, String type) {
    if (type.equals(OVERLOADED)) {
      return OVERLOADED_STATUS;
    }
    if (status >= 400 && status < 500) {
      return status;
    }
    return type.equals("timeout_error") || status == 504 ? 504 : 502;
  }

  private static String openAiType(String type) {
    return switch (type) {
      case "invalid_request_error", "request_too_large" -> ApiError.INVALID_REQUEST;
      case "authentication_error", "permission_error", "not_found_error", "rate_limit_error", OVERLOADED -> type;
      case "billing_error" -> "insufficient_quota";
      default -> ApiError.API;
    };
  }

  /** Anthropic's error type for a 4xx status (the types its API documents per status). */
  public static String typeOfStatus(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      default -> "invalid_request_error";
    };
  }
}
