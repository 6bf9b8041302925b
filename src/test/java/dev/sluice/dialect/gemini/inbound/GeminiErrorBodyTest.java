package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiErrorBodyTest {

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource({
      "400, , INVALID_ARGUMENT", "401, invalid_api_key, UNAUTHENTICATED", "402, , FAILED_PRECONDITION",
      "403, model_not_allowed, PERMISSION_DENIED", "404, not_found, NOT_FOUND", "408, , DEADLINE_EXCEEDED",
      "409, , ABORTED", "413, request_too_large, INVALID_ARGUMENT", "422, , INVALID_ARGUMENT",
      "429, rate_limited, RESOURCE_EXHAUSTED", "499, client_closed, CANCELLED", "500, internal_error, INTERNAL",
      "501, , UNIMPLEMENTED", "502, upstream_error, INTERNAL", "502, upstream_unavailable, UNAVAILABLE",
      "503, shutting_down, UNAVAILABLE", "504, upstream_timeout, DEADLINE_EXCEEDED",
      "520, , INTERNAL"})
  void statusFollowsTheHttpStatusAndCode(int status, String code, String expected) {
    var body = GeminiErrorBody.of(ApiError.of(status, ApiError.API, "boom", code)).path("error");
    assertThat(body.path("code").asInt()).isEqualTo(status);
    assertThat(body.path("status").asText()).isEqualTo(expected);
    assertThat(body.path("message").asText()).isEqualTo("boom");
  }

  @Test
  void anthropicsOverloaded529Is503UnavailableForGeminiClients() {
    var body = GeminiErrorBody.of(ApiError.of(529, ApiError.API, "Overloaded", "overloaded")).path("error");
    assertThat(body.path("code").asInt()).isEqualTo(503);
    assertThat(body.path("status").asText()).isEqualTo("UNAVAILABLE");
    byte[] anthropic = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
        .getBytes(StandardCharsets.UTF_8);
    assertThat(GeminiErrorBody.ofUpstream(529, anthropic, null).path("error").path("code").asInt()).isEqualTo(503);
    assertThat(GeminiErrorBody.httpStatus(529)).as("the HTTP status Gemini clients get").isEqualTo(503);
    assertThat(GeminiErrorBody.httpStatus(500)).isEqualTo(500);
    assertThat(GeminiErrorBody.httpStatus(429)).isEqualTo(429);
  }

  @Test
  void anOverloadedUpstreamIs503UnavailableForGeminiClients() {
    ApiError openAi503 = ApiError.upstreamError("upstream service error (HTTP 503)");
    ApiError forClient = GeminiErrorBody.forClient(openAi503, FailureKind.OVERLOADED);
    assertThat(forClient.status()).isEqualTo(503);
    assertThat(GeminiErrorBody.of(forClient).path("error").path("status").asText()).isEqualTo("UNAVAILABLE");
    assertThat(GeminiErrorBody.forClient(ApiError.of(529, ApiError.API, "Overloaded", "overloaded"),
        FailureKind.OVERLOADED).status()).isEqualTo(503);
    assertThat(GeminiErrorBody.forClient(openAi503, FailureKind.SERVER_ERROR)).as("a plain 5xx stays").isSameAs(openAi503);
    ApiError invalid = ApiError.invalidParam("contents", "bad");
    assertThat(GeminiErrorBody.forClient(invalid, FailureKind.GATEWAY)).isSameAs(invalid);
  }

  @Test
  void aFieldErrorNamesTheFieldInTheMessageAndABadRequestDetail() {
    String json = Json.write(GeminiErrorBody.of(ApiError.invalidParam("generationConfig.temperature",
        "temperature must be a number, got \"hot\"")));
    assertThat(json).isEqualTo("{\"error\":{\"code\":400,\"message\":\"generationConfig.temperature: temperature"
        + " must be a number, got \\\"hot\\\"\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":"
        + "\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{\"field\":\"generationConfig.temperature\","
        + "\"description\":\"temperature must be a number, got \\\"hot\\\"\"}]}]}}");
  }

  @Test
  void rateLimitsCarryRetryInfoAndTheReason() {
    ApiError limited = ApiError.of(429, ApiError.RATE_LIMIT, "Rate limit reached: 60 requests per minute",
        "rate_limit_exceeded").withHeader("retry-after", "12");
    assertThat(Json.write(GeminiErrorBody.of(limited))).isEqualTo("{\"error\":{\"code\":429,\"message\":"
        + "\"Rate limit reached: 60 requests per minute\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":["
        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"RATE_LIMIT_EXCEEDED\",\"domain\":\"sluice\"},"
        + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"12s\"}]}}");
    assertThat(GeminiErrorBody.of(limited.withHeader("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT"))
        .path("error").path("details").toString()).doesNotContain("RetryInfo");
  }

  @Test
  void anInvalidKeyHasGooglesReason() {
    assertThat(GeminiErrorBody.of(ApiError.invalidApiKey()).path("error").path("details").get(0).path("reason")
        .asText()).isEqualTo("API_KEY_INVALID");
  }

  @Test
  void upstreamErrorBodiesKeepStatusMessageFieldAndRetry() {
    byte[] openAi = ("{\"error\":{\"message\":\"Unsupported value: 'temperature'\",\"type\":\"invalid_request_error\","
        + "\"param\":\"temperature\",\"code\":\"unsupported_value\"}}").getBytes(StandardCharsets.UTF_8);
    var e = GeminiErrorBody.ofUpstream(400, openAi, null).path("error");
    assertThat(e.path("code").asInt()).isEqualTo(400);
    assertThat(e.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(e.path("message").asText()).isEqualTo("Unsupported value: 'temperature'");
    assertThat(e.path("details").toString()).contains("\"field\":\"temperature\"").contains("UNSUPPORTED_VALUE");

    byte[] anthropic = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
        .getBytes(StandardCharsets.UTF_8);
    var o = GeminiErrorBody.ofUpstream(529, anthropic, "3").path("error");
    assertThat(o.path("status").asText()).isEqualTo("UNAVAILABLE");
    assertThat(o.path("message").asText()).isEqualTo("Overloaded");
    assertThat(o.path("details").toString()).contains("\"retryDelay\":\"3s\"");

    byte[] google = ("{\"error\":{\"code\":400,\"message\":\"User location is not supported\",\"status\":"
        + "\"FAILED_PRECONDITION\"}}").getBytes(StandardCharsets.UTF_8);
    assertThat(GeminiErrorBody.ofUpstream(400, google, null).path("error").path("status").asText())
        .isEqualTo("FAILED_PRECONDITION");

    var garbage = GeminiErrorBody.ofUpstream(502, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8), null);
    assertThat(Json.write(garbage)).isEqualTo("{\"error\":{\"code\":502,\"message\":\"upstream answered HTTP 502\","
        + "\"status\":\"INTERNAL\"}}");
  }
}
