package dev.sluice.dialect.anthropic.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link AnthropicErrorBody}: the error type for each status, the message and the body shape. */
class AnthropicErrorBodyTest {

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource({
      "400, invalid_request, invalid_request_error",
      "401, invalid_api_key, authentication_error",
      "402, insufficient_quota, billing_error",
      "403, model_not_allowed, permission_error",
      "404, not_found, not_found_error",
      "413, request_too_large, request_too_large",
      "422, unprocessable, invalid_request_error",
      "429, rate_limited, rate_limit_error",
      "499, client_closed, invalid_request_error",
      "500, internal_error, api_error",
      "502, upstream_error, api_error",
      "503, shutting_down, api_error",
      "503, upstream_overloaded, overloaded_error",
      "504, upstream_timeout, timeout_error",
      "529, overloaded, overloaded_error"})
  void typeByStatus(int status, String code, String type) {
    ObjectNode body = AnthropicErrorBody.of(ApiError.of(status, ApiError.API, "something failed", code));
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("type").asText()).isEqualTo(type);
    assertThat(body.path("error").path("message").asText()).isEqualTo("something failed");
  }

  @Test
  void overloadedInTheMessageOfA503() {
    ApiError e = ApiError.of(503, ApiError.SERVICE_UNAVAILABLE, "The upstream is Overloaded", null);
    assertThat(AnthropicErrorBody.type(e)).isEqualTo("overloaded_error");
  }

  @Test
  void namesTheFieldOnceInTheMessage() {
    assertThat(Json.write(AnthropicErrorBody.of(ApiError.invalidParam("max_tokens", "is required"))))
        .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: is required\"}}");
    assertThat(AnthropicErrorBody.of(ApiError.invalidParam("max_tokens", "max_tokens must be positive"))
        .path("error").path("message").asText()).isEqualTo("max_tokens must be positive");
  }
}
