package dev.sluice.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Google's error bodies and stream error events as the client's {@link ApiError} and the router's kind. */
class GeminiErrorsTest {

  static ObjectNode body(int code, String status, String message) {
    ObjectNode b = Json.object();
    b.putObject("error").put("code", code).put("message", message).put("status", status);
    return b;
  }

  @ParameterizedTest
  @CsvSource({
      "400, INVALID_ARGUMENT, 400, invalid_request_error, REJECTED",
      "400, FAILED_PRECONDITION, 400, invalid_request_error, REJECTED",
      "401, UNAUTHENTICATED, 401, authentication_error, CREDENTIALS",
      "403, PERMISSION_DENIED, 403, permission_error, CREDENTIALS",
      "404, NOT_FOUND, 404, not_found_error, REJECTED",
      "429, RESOURCE_EXHAUSTED, 429, rate_limit_error, RATE_LIMITED",
      "500, INTERNAL, 502, api_error, SERVER_ERROR",
      "503, UNAVAILABLE, 503, service_unavailable_error, OVERLOADED",
      "504, DEADLINE_EXCEEDED, 504, api_error, SERVER_ERROR"})
  void statusesKeepGeminisMessage(int code, String status, int clientStatus, String type, FailureKind kind) {
    ApiError e = GeminiErrors.fromBody(code, body(code, status, "why: " + status));
    assertThat(e.status()).isEqualTo(clientStatus);
    assertThat(e.type()).isEqualTo(type);
    assertThat(e.code()).isEqualTo(status.toLowerCase(java.util.Locale.ROOT));
    assertThat(e.message()).isEqualTo("why: " + status);
    assertThat(GeminiErrors.kind(code, body(code, status, "x"))).isEqualTo(kind);
  }

  @Test
  void anInvalidKeyIsA400ThatRefusesTheGatewaysCredentials() {
    ObjectNode b = body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
    ((ObjectNode) b.get("error")).putArray("details").addObject()
        .put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID");
    assertThat(GeminiErrors.credentialsRefused(400, b)).isTrue();
    assertThat(GeminiErrors.kind(400, b)).isEqualTo(FailureKind.CREDENTIALS);
    assertThat(GeminiErrors.credentialsRefused(400, body(400, "INVALID_ARGUMENT", "bad"))).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"38s, 38000", "0.5s, 500", "1.0001s, 1001", "2, -1", "xs, -1"})
  void retryInfoDelays(String delay, long millis) {
    ObjectNode b = body(429, "RESOURCE_EXHAUSTED", "quota");
    var details = ((ObjectNode) b.get("error")).putArray("details");
    details.addObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
    details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", delay);
    assertThat(GeminiErrors.retryDelayMillis(b)).isEqualTo(millis);
    assertThat(GeminiErrors.retryDelayMillis(body(429, "RESOURCE_EXHAUSTED", "quota"))).isEqualTo(-1);
  }

  @ParameterizedTest
  @CsvSource({"422, invalid_request_error", "500, api_error"})
  void bodiesWithoutTheEnvelopeFallBackOnTheStatus(int status, String type) {
    JsonNode notGoogle = Json.object().put("detail", "nope");
    ApiError e = GeminiErrors.fromBody(status, notGoogle);
    assertThat(e.type()).isEqualTo(type);
    assertThat(e.message()).contains(String.valueOf(status));
    assertThat(GeminiErrors.fromBody(status, null).message()).contains(String.valueOf(status));
  }

  @ParameterizedTest
  @CsvSource({"503, UNAVAILABLE, 503, OVERLOADED", "429, RESOURCE_EXHAUSTED, 429, RATE_LIMITED",
      "500, INTERNAL, 502, SERVER_ERROR", "400, INVALID_ARGUMENT, 502, SERVER_ERROR"})
  void streamErrorEvents(int code, String status, int clientStatus, FailureKind kind) {
    GatewayException e = GeminiErrors.fromStreamEvent(body(code, status, "mid-stream"));
    assertThat(e.error().status()).isEqualTo(clientStatus);
    assertThat(e.error().message()).isEqualTo("mid-stream");
    assertThat(e.kind()).isEqualTo(kind);
  }
}
