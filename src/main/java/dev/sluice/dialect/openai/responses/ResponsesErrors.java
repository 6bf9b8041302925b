package dev.sluice.dialect.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import java.util.Map;

/**
 * Turns a failed Responses stream ({@code response.failed}, {@code error}) into the {@link ApiError}
 * a client sees. Upstream codes are kept; the status follows the code's class: rate limits 429,
 * prompt/image problems 400, everything else 502.
 */
public final class ResponsesErrors {
  private ResponsesErrors() {
  }

  /** The error for a stream that ended before {@code response.completed}/{@code response.incomplete}. */
  public static ApiError prematureEnd() {
    return ApiError.upstreamError("upstream stream ended before the response completed");
  }

  /**
   * The error carried by a {@code response.failed} or {@code error} event: {@code response.error},
   * a nested {@code error} object, or the event's own {@code code}/{@code message}/{@code param}.
   */
  public static ApiError fromEvent(JsonNode event) {
    JsonNode err = event.path("response").path("error");
    if (!err.isObject()) {
      err = event.path("error");
    }
    if (!err.isObject()) {
      err = event;
    }
    String code = text(err, "code");
    String message = text(err, "message");
    String param = text(err, "param");
    if (message == null || message.isBlank()) {
      message = "upstream response failed";
    }
    return fromCode(code, message, param);
  }

  /** The error of a Responses object whose {@code status} is {@code failed}. */
  public static ApiError fromResponse(JsonNode response) {
    JsonNode err = response.path("error");
    String message = text(err, "message");
    return fromCode(text(err, "code"), message == null || message.isBlank() ? "upstream response failed" : message,
        text(err, "param"));
  }

  static ApiError fromCode(String code, String message, String param) {
    if (code == null || code.isBlank()) {
      return new ApiError(502, ApiError.API, message, param, "upstream_error", null, Map.of());
    }
    if (code.equals("rate_limit_exceeded") || code.equals("usage_limit_reached")
        || code.equals("insufficient_quota")) {
      return new ApiError(429, ApiError.RATE_LIMIT, message, param, code, null, Map.of());
    }
    if (code.equals("vector_store_timeout")) {
      return new ApiError(504, ApiError.API, message, param, code, null, Map.of());
    }
    if (code.equals("context_length_exceeded") || code.equals("unsupported_parameter")
        || code.startsWith("invalid_") || code.contains("image")) {
      return new ApiError(400, ApiError.INVALID_REQUEST, message, param, code, null, Map.of());
    }
    return new ApiError(502, ApiError.API, message, param, code, null, Map.of());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
