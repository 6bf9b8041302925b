package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.provider.UpstreamSpec;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Gemini's error answers as the failures the router and the client see; its model list as OpenAI's. */
class GeminiProviderTest {
  final GeminiProvider provider = new GeminiProvider(null, new UpstreamSpec("gem", UpstreamSpec.Type.GEMINI,
      "http://127.0.0.1:1", "k", 1000, 1000, Map.of(), Set.of(), "google", "", 0), Clock.systemUTC());

  static ObjectNode body(int code, String status, String message) {
    ObjectNode b = Json.object();
    b.putObject("error").put("code", code).put("message", message).put("status", status);
    return b;
  }

  @Test
  void a429WaitsForRetryInfoFirstThenRetryAfter() {
    ObjectNode b = body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota");
    ((ObjectNode) b.get("error")).putArray("details").addObject()
        .put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", "7.2s");
    GatewayException e = provider.failure(429, MultiMap.caseInsensitiveMultiMap().add("Retry-After", "30"), b);
    assertThat(e.kind()).isEqualTo(FailureKind.RATE_LIMITED);
    assertThat(e.retryAfterMillis()).isEqualTo(7200);
    assertThat(e.error().headers()).containsEntry("Retry-After", "8");
    assertThat(e.error().message()).isEqualTo("You exceeded your current quota");

    GatewayException h = provider.failure(429, MultiMap.caseInsensitiveMultiMap().add("Retry-After", "30"),
        body(429, "RESOURCE_EXHAUSTED", "quota"));
    assertThat(h.retryAfterMillis()).isEqualTo(30_000);
  }

  @ParameterizedTest
  @CsvSource({"401, UNAUTHENTICATED", "403, PERMISSION_DENIED"})
  void aRefusedKeyIsTheGatewaysProblemAndNeverShowsGeminisMessage(int code, String status) {
    GatewayException e = provider.failure(code, MultiMap.caseInsensitiveMultiMap(), body(code, status, "key AIza-secret"));
    assertThat(e.kind()).isEqualTo(FailureKind.CREDENTIALS);
    assertThat(e.error().status()).isEqualTo(502);
    assertThat(e.error().code()).isEqualTo("upstream_auth_failed");
    assertThat(e.error().message()).doesNotContain("AIza");
  }

  @ParameterizedTest
  @CsvSource({"503, UNAVAILABLE, OVERLOADED, true", "500, INTERNAL, SERVER_ERROR, true",
      "400, INVALID_ARGUMENT, REJECTED, false", "404, NOT_FOUND, REJECTED, false"})
  void whatFallsBack(int code, String status, FailureKind kind, boolean tryNext) {
    GatewayException e = provider.failure(code, MultiMap.caseInsensitiveMultiMap(), body(code, status, "m"));
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.kind().tryNext()).isEqualTo(tryNext);
  }

  @Test
  void modelListsLoseTheirPrefix() throws Exception {
    JsonNode gemini = Json.parse("{\"models\":[{\"name\":\"models/gemini-2.5-flash\"},{\"name\":\"models/gemini-3-pro-preview\"},"
        + "{\"displayName\":\"no name\"}],\"nextPageToken\":\"x\"}");
    JsonNode list = GeminiProvider.openAiModelList(gemini, "google");
    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.path("data")).hasSize(2);
    assertThat(list.path("data").get(0).path("id").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(list.path("data").get(1).path("owned_by").asText()).isEqualTo("google");
    assertThat(GeminiProvider.upstreamModel("models/gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
  }
}
