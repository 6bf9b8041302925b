package dev.sluice.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic error bodies and stream error events as the client's {@link ApiError}. */
class AnthropicErrorsTest {

  static JsonNode body(String type, String message) {
    return Json.object().put("type", "error").set("error", Json.object().put("type", type).put("message", message));
  }

  @ParameterizedTest
  @CsvSource({
      "400, invalid_request_error, 400, invalid_request_error",
      "401, authentication_error, 401, authentication_error",
      "402, billing_error, 402, insufficient_quota",
      "403, permission_error, 403, permission_error",
      "404, not_found_error, 404, not_found_error",
      "413, request_too_large, 413, invalid_request_error",
      "429, rate_limit_error, 429, rate_limit_error",
      "500, api_error, 502, api_error",
      "504, timeout_error, 504, api_error",
      "529, overloaded_error, 529, overloaded_error"})
  void bodyKeepsMessageAndClientStatus(int status, String type, int clientStatus, String openAiType) {
    ApiError e = AnthropicErrors.fromBody(status, body(type, "why: " + type));
    assertThat(e.status()).isEqualTo(clientStatus);
    assertThat(e.type()).isEqualTo(openAiType);
    assertThat(e.code()).isEqualTo(type);
    assertThat(e.message()).isEqualTo("why: " + type);
  }

  @ParameterizedTest
  @CsvSource({"422, invalid_request_error", "401, authentication_error", "503, api_error"})
  void bodyWithoutTheEnvelopeFallsBackOnTheStatus(int status, String code) {
    ApiError e = AnthropicErrors.fromBody(status, Json.object().put("detail", "nope"));
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.status()).isEqualTo(status < 500 ? status : 502);
    assertThat(e.message()).contains(String.valueOf(status));
  }

  @ParameterizedTest
  @CsvSource({"overloaded_error, 529, OVERLOADED", "api_error, 502, SERVER_ERROR", "rate_limit_error, 502, SERVER_ERROR"})
  void streamErrorEvents(String type, int status, FailureKind kind) {
    GatewayException e = AnthropicErrors.fromStreamEvent(body(type, "mid-stream"));
    assertThat(e.error().status()).isEqualTo(status);
    assertThat(e.error().message()).isEqualTo("mid-stream");
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.kind().tryNext()).isTrue();
  }
}
