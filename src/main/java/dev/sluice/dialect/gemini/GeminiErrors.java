package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.JsonFields;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Google's error body {@code {"error":{"code","message","status","details"}}} as the OpenAI-dialect
 * {@link ApiError}: Gemini's message is kept and its status, lower-cased, is the {@code code}
 * ({@code invalid_argument}, {@code resource_exhausted}, ...). A 4xx status is kept; 503 stays 503
 * ({@code service_unavailable_error}), 504 stays 504, other 5xx become 502.
 *
 * <p>What it means for the router ({@link #kind}): 429 / {@code RESOURCE_EXHAUSTED} is
 * {@link FailureKind#RATE_LIMITED} (the delay of a {@code google.rpc.RetryInfo} detail,
 * {@link #retryDelayMillis}), 503 / {@code UNAVAILABLE} {@link FailureKind#OVERLOADED}, other 5xx
 * {@link FailureKind#SERVER_ERROR}, the gateway's key refused ({@link #credentialsRefused}: 401, 403,
 * or Gemini's 400 {@code API_KEY_INVALID}) {@link FailureKind#CREDENTIALS}, other 4xx
 * {@link FailureKind#REJECTED}.
 */
public final class GeminiErrors {
  private GeminiErrors() {
  }

  /** The error of an upstream HTTP answer with this status and (possibly non-conforming) body. */
  public static ApiError fromBody(int status, JsonNode body) {
    JsonNode err = body == null ? null : body.path("error");
    String message = JsonFields.text(err, "message");
    if (message == null) {
      message = "upstream answered HTTP " + status;
    }
    String googleStatus = JsonFields.text(err, "status");
    if (googleStatus == null) {
      googleStatus = statusOf(status);
    }
    int clientStatus = status >= 400 && status < 500 ? status : status == 503 || status == 504 ? status : 502;
    return ApiError.of(clientStatus, openAiType(status), message, googleStatus.toLowerCase(Locale.ROOT));
  }

  /** How the router reads this answer. */
  public static FailureKind kind(int status, JsonNode body) {
    if (credentialsRefused(status, body)) {
      return FailureKind.CREDENTIALS;
    }
    String googleStatus = JsonFields.text(body == null ? null : body.path("error"), "status");
    if (status == 429 || "RESOURCE_EXHAUSTED".equals(googleStatus)) {
      return FailureKind.RATE_LIMITED;
    }
    if (status == 503 || "UNAVAILABLE".equals(googleStatus)) {
      return FailureKind.OVERLOADED;
    }
    return status >= 500 ? FailureKind.SERVER_ERROR : FailureKind.REJECTED;
  }

  /**
   * Whether the answer refuses the gateway's own key: 401, 403, or the 400 Gemini gives an invalid
   * key (an {@code ErrorInfo} detail with reason {@code API_KEY_INVALID}).
   */
  public static boolean credentialsRefused(int status, JsonNode body) {
    if (status == 401 || status == 403) {
      return true;
    }
    if (status == 400 && body != null) {
      for (JsonNode d : body.path("error").path("details")) {
        if ("API_KEY_INVALID".equals(d.path("reason").asText())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The {@code retryDelay} of a {@code type.googleapis.com/google.rpc.RetryInfo} detail (a protobuf
   * Duration such as {@code "38s"} or {@code "0.5s"}), in milliseconds; -1 when there is none.
   */
  public static long retryDelayMillis(JsonNode body) {
    if (body == null) {
      return -1;
    }
    for (JsonNode d : body.path("error").path("details")) {
      if (d.path("@type").asText().endsWith("google.rpc.RetryInfo")) {
        String delay = d.path("retryDelay").asText("");
        if (delay.endsWith("s")) {
          try {
            return new BigDecimal(delay.substring(0, delay.length() - 1)).movePointRight(3)
                .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
          } catch (ArithmeticException | NumberFormatException e) {
            return -1;
          }
        }
      }
    }
    return -1;
  }

  /**
   * The exception for an {@code {"error":{...}}} event in the middle of a stream: 429 stays a 429
   * ({@link FailureKind#RATE_LIMITED}), 503 a 503 ({@link FailureKind#OVERLOADED}), 504 a 504, anything
   * else a 502 {@link FailureKind#SERVER_ERROR}; the message is Gemini's.
   */
  public static GatewayException fromStreamEvent(JsonNode event) {
    int code = event.path("error").path("code").asInt(500);
    ApiError e = fromBody(code, event);
    FailureKind kind = kind(code, event);
    if (kind == FailureKind.REJECTED || kind == FailureKind.CREDENTIALS) {
      kind = FailureKind.SERVER_ERROR;
    }
    int status = code == 429 || code == 503 || code == 504 ? code : 502;
    String type = code == 429 ? ApiError.RATE_LIMIT : code == 503 ? ApiError.SERVICE_UNAVAILABLE : ApiError.API;
    return ApiError.of(status, type, e.message(), e.code()).failure(kind);
  }

  /** Google's canonical status for an HTTP status. */
  public static String statusOf(int status) {
    return switch (status) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 499 -> "CANCELLED";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    };
  }

  private static String openAiType(int status) {
    return switch (status) {
      case 401 -> ApiError.AUTHENTICATION;
      case 403 -> ApiError.PERMISSION;
      case 404 -> ApiError.NOT_FOUND;
      case 429 -> ApiError.RATE_LIMIT;
      case 503 -> ApiError.SERVICE_UNAVAILABLE;
      default -> status >= 400 && status < 500 ? ApiError.INVALID_REQUEST : ApiError.API;
    };
  }
}
