package dev.sluice.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ApiContract;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One error, typed once, rendered per contract. */
class ErrorRendererContractTest {
  final ErrorRenderer openai = ErrorRenderer.of("openai");
  final ErrorRenderer gateway = ErrorRenderer.of("gateway");

  JsonNode platform(ErrorRenderer r, ApiError e) throws Exception {
    return Json.MAPPER.readTree(r.render(ApiContract.PLATFORM, e)).path("error");
  }

  @Test
  void thePlatformTableTypesByStatus() throws Exception {
    assertThat(platform(openai, ApiError.internal()).path("type").asText()).isEqualTo("internal_server_error");
    assertThat(openai.as(ApiContract.PLATFORM, ApiError.upstreamTimeout()).status()).isEqualTo(503);
    assertThat(platform(openai, ApiError.upstreamError("boom")).path("type").asText())
        .isEqualTo("service_unavailable_error");
    assertThat(platform(openai, ApiError.unsupportedEndpoint("/api/v1/files")).path("type").asText())
        .isEqualTo("not_found_error");
    assertThat(platform(openai, ApiError.bodyTooLarge(10)).path("type").asText())
        .as("a status the table does not list keeps its type").isEqualTo("invalid_request_error");
    assertThat(platform(gateway, ApiError.invalidApiKey()).path("type").asText())
        .as("codex-gateway's style is /v1's").isEqualTo("authentication_error");
  }

  @Test
  void theOpenAiContractRendersAsTyped() throws Exception {
    ApiError e = ApiError.internal();
    assertThat(openai.as(ApiContract.OPENAI, e)).isSameAs(e);
    assertThat(Json.MAPPER.readTree(gateway.render(e)).path("error").path("type").asText()).isEqualTo("gateway_error");
  }

  @Test
  void relayedUpstreamBodiesGetTheTablesType() throws Exception {
    byte[] body = "{\"error\":{\"message\":\"no such model\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}"
        .getBytes(StandardCharsets.UTF_8);
    JsonNode err = Json.MAPPER.readTree(openai.relayed(ApiContract.PLATFORM, 404, body)).path("error");
    assertThat(err.path("type").asText()).isEqualTo("not_found_error");
    assertThat(err.path("code").asText()).isEqualTo("model_not_found");
    assertThat(openai.relayed(ApiContract.OPENAI, 404, body)).isSameAs(body);
    byte[] text = "Not Found".getBytes(StandardCharsets.UTF_8);
    assertThat(openai.relayed(ApiContract.PLATFORM, 404, text)).isSameAs(text);
  }
}
