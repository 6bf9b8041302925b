package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.json.Json;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link ApiError} as Google's error body {@code {"error": {"code", "message", "status",
 * "details"?}}}, for JSON error responses and the mid-stream error of a Gemini stream. {@code code}
 * is the HTTP status ({@link #httpStatus}: Anthropic's 529 is 503, a status Google never uses not
 * being one a Gemini client knows); {@code status} the google.rpc code name for it: 400 {@code INVALID_ARGUMENT},
 * 401 {@code UNAUTHENTICATED}, 402 {@code FAILED_PRECONDITION}, 403 {@code PERMISSION_DENIED}, 404
 * {@code NOT_FOUND}, 408 and 504 {@code DEADLINE_EXCEEDED}, 409 {@code ABORTED}, 413
 * {@code INVALID_ARGUMENT}, 429 {@code RESOURCE_EXHAUSTED}, 499 {@code CANCELLED}, 500
 * {@code INTERNAL}, 501 {@code UNIMPLEMENTED}, 502 {@code UNAVAILABLE} when the upstream could not be
 * reached ({@code upstream_unavailable}) else {@code INTERNAL}, 503 and 529 {@code UNAVAILABLE}; any
 * other 4xx {@code INVALID_ARGUMENT}, any other status {@code INTERNAL}.
 *
 * <p>{@code details}, each with its {@code @type}: {@code google.rpc.BadRequest} with one
 * {@code fieldViolations {field, description}} when the error names a field ({@code param}, which
 * also prefixes the message unless the message names it); {@code google.rpc.ErrorInfo
 * {reason, domain: "sluice"}} with the error's {@code code} in upper case (an invalid key is
 * {@code API_KEY_INVALID}, Google's reason); {@code google.rpc.RetryInfo {retryDelay: "<n>s"}} when
 * the error carries a {@code Retry-After} of whole seconds. No details: no {@code details} field.
 */
public final class GeminiErrorBody {
  private static final String TYPE_PREFIX = "type.googleapis.com/google.rpc.";

  private GeminiErrorBody() {
  }

  public static ObjectNode of(ApiError e) {
    return of(e, status(e));
  }

  /**
   * An upstream's error answer (OpenAI's {@code {"error": {"message", "type", "param", "code"}}},
   * Anthropic's {@code {"type": "error", "error": {"type", "message"}}} or Google's own) in Google's
   * shape, keeping the upstream's HTTP status, message, field and code.
   *
   * @param retryAfter the upstream's {@code Retry-After} header, or null
   */
  public static ObjectNode ofUpstream(int status, byte[] body, String retryAfter) {
    ApiError e = fromUpstream(status, body);
    if (retryAfter != null) {
      e = e.withHeader("Retry-After", retryAfter);
    }
    String googleStatus = null;
    try {
      JsonNode s = Json.parse(body).path("error").path("status");
      if (s.isTextual() && s.asText().matches("[A-Z_]+")) {
        googleStatus = s.asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: the status follows the HTTP status
    }
    return of(e, googleStatus != null ? googleStatus : status(e));
  }

  /** The error an upstream's error answer reports: its status, and its message when it has one. */
  public static ApiError fromUpstream(int status, byte[] body) {
    String message = "upstream answered HTTP " + status;
    String param = null;
    String code = null;
    String type = status >= 500 ? ApiError.API : ApiError.INVALID_REQUEST;
    try {
      JsonNode err = Json.parse(body).path("error");
      if (err.path("message").isTextual() && !err.get("message").asText().isBlank()) {
        message = err.get("message").asText();
      }
      if (err.path("param").isTextual()) {
        param = err.get("param").asText();
      }
      if (err.path("code").isTextual()) {
        code = err.get("code").asText();
      }
      if (err.path("type").isTextual()) {
        type = err.get("type").asText();
      }
    } catch (IOException | RuntimeException e) {
      // keep the generic message
    }
    return new ApiError(status, type, message, param, code, null, Map.of());
  }

  /**
   * The error as a Gemini client is answered: one whose upstream said it is overloaded (an
   * OpenAI-compatible API's 503, reported to OpenAI clients as the gateway's 502; Anthropic's 529) is
   * 503, Google's UNAVAILABLE, which Gemini clients retry.
   */
  public static ApiError forClient(ApiError e, FailureKind kind) {
    int status = kind == FailureKind.OVERLOADED && e.status() >= 500 ? 503 : httpStatus(e.status());
    return status == e.status() ? e
        : new ApiError(status, e.type(), e.message(), e.param(), e.code(), e.docUrl(), e.headers());
  }

  /** The HTTP status a Gemini client is answered with for {@code status}: 529 (Anthropic's overloaded) is 503. */
  public static int httpStatus(int status) {
    return status == 529 ? 503 : status;
  }

  /** The google.rpc status name of an error. */
  public static String status(ApiError e) {
    int s = e.status();
    return switch (s) {
      case 400, 413 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 402 -> "FAILED_PRECONDITION";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 408, 504 -> "DEADLINE_EXCEEDED";
      case 409 -> "ABORTED";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 499 -> "CANCELLED";
      case 501 -> "UNIMPLEMENTED";
      case 502 -> "upstream_unavailable".equals(e.code()) ? "UNAVAILABLE" : "INTERNAL";
      case 503, 529 -> "UNAVAILABLE";
      default -> s >= 400 && s < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
    };
  }

  private static ObjectNode of(ApiError e, String status) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error");
    error.put("code", httpStatus(e.status()));
    error.put("message", message(e));
    error.put("status", status);
    ArrayNode details = Json.MAPPER.createArrayNode();
    if (e.param() != null && !e.param().isEmpty()) {
      ObjectNode badRequest = details.addObject().put("@type", TYPE_PREFIX + "BadRequest");
      badRequest.putArray("fieldViolations").addObject().put("field", e.param())
          .put("description", e.message() == null ? "" : e.message());
    }
    if (e.code() != null && !e.code().isEmpty()) {
      details.addObject().put("@type", TYPE_PREFIX + "ErrorInfo").put("reason", reason(e.code()))
          .put("domain", "sluice");
    }
    String delay = retryDelay(e.headers());
    if (delay != null) {
      details.addObject().put("@type", TYPE_PREFIX + "RetryInfo").put("retryDelay", delay);
    }
    if (!details.isEmpty()) {
      error.set("details", details);
    }
    return body;
  }

  private static String reason(String code) {
    return code.equals("invalid_api_key") ? "API_KEY_INVALID"
        : code.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  /** {@code Retry-After} in whole seconds as a protobuf Duration ({@code "12s"}); null for none or a date. */
  private static String retryDelay(Map<String, String> headers) {
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase("Retry-After") && h.getValue() != null) {
        String v = h.getValue().trim();
        if (v.matches("\\d{1,9}")) {
          return Long.parseLong(v) + "s";
        }
      }
    }
    return null;
  }

  private static String message(ApiError e) {
    String message = e.message() == null ? "" : e.message();
    String param = e.param();
    return param == null || param.isEmpty() || message.contains(param) ? message : param + ": " + message;
  }
}
