package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Model;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.MultiMap;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gemini clients of the gateway (seed 003's {@code /api/v1beta} and Google's own {@code /v1beta}),
 * through the google-genai SDK and raw HTTP, served by an OpenAI-compatible upstream through chat:
 * answers, streams in both framings, the key where Google's clients put it, errors in Google's shape.
 */
class GeminiInboundHttpTest {
  static E2e.Gateway g;

  @BeforeAll
  static void start() {
    g = new E2e.Gateway(Database.Dialect.SQLITE);
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  static Client gemini(String base, String key) {
    return Client.builder().apiKey(key)
        .httpOptions(HttpOptions.builder().baseUrl(g.h.baseUrl() + base).apiVersion("v1beta").build()).build();
  }

  @Test
  void generateContentThroughTheSdkOnBothBasePaths() {
    for (String base : List.of("/api", "")) {
      try (Client c = gemini(base, GatewayHarness.KEY)) {
        GenerateContentResponse r = c.models.generateContent("gpt-4o", "Explain entanglement simply.", null);
        assertThat(r.text()).isEqualTo("echo: Explain entanglement simply.");
        assertThat(r.finishReason().toString()).isEqualTo("STOP");
        assertThat(r.usageMetadata().orElseThrow().promptTokenCount()).contains(10);
      }
    }
    JsonNode sent = g.h.fake.last().json();
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o");
    assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("Explain entanglement simply.");
  }

  @Test
  void streamsThroughTheSdkAsServerSentEvents() {
    try (Client c = gemini("/api", GatewayHarness.KEY);
         ResponseStream<GenerateContentResponse> stream = c.models.generateContentStream("gpt-4o", "count to three",
             null)) {
      StringBuilder text = new StringBuilder();
      List<GenerateContentResponse> all = new ArrayList<>();
      for (GenerateContentResponse r : stream) {
        all.add(r);
        if (r.text() != null) {
          text.append(r.text());
        }
      }
      assertThat(text.toString()).isEqualTo("echo: count to three");
      assertThat(all.getLast().finishReason().toString()).isEqualTo("STOP");
    }
  }

  @Test
  void streamWithoutAltSseIsOneJsonArray() throws Exception {
    HttpResponse<String> r = g.h.post("/v1beta/models/gpt-4o:streamGenerateContent",
        "{\"contents\":[{\"parts\":[{\"text\":\"hi there\"}]}]}", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    JsonNode array = Json.MAPPER.readTree(r.body());
    assertThat(array.isArray()).isTrue();
    StringBuilder text = new StringBuilder();
    array.forEach(e -> e.path("candidates").path(0).path("content").path("parts")
        .forEach(p -> text.append(p.path("text").asText(""))));
    assertThat(text.toString()).isEqualTo("echo: hi there");
  }

  @Test
  void theKeyIsTakenFromEveryPlaceGoogleClientsPutIt() throws Exception {
    String body = "{\"contents\":[{\"parts\":[{\"text\":\"k\"}]}]}";
    assertThat(g.h.post("/api/v1beta/models/gpt-4o:generateContent?key=" + GatewayHarness.KEY, body,
        "Authorization", "").statusCode()).isEqualTo(200);
    assertThat(g.h.post("/api/v1beta/models/gpt-4o:generateContent", body, "x-goog-api-key", GatewayHarness.KEY)
        .statusCode()).isEqualTo(200);
    assertThat(g.h.post("/api/v1beta/models/gpt-4o:generateContent", body).statusCode()).isEqualTo(200);
  }

  @Test
  void errorsComeInGooglesShapeAndTheSdkReadsThem() throws Exception {
    try (Client c = gemini("/api", "sk-not-a-key-000000000000")) {
      assertThatThrownBy(() -> c.models.generateContent("gpt-4o", "x", null))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(401);
            assertThat(e.status()).isEqualTo("UNAUTHENTICATED");
          });
    }
    HttpResponse<String> noContents = g.h.post("/api/v1beta/models/gpt-4o:generateContent", "{}",
        "x-goog-api-key", GatewayHarness.KEY);
    assertThat(noContents.statusCode()).isEqualTo(400);
    JsonNode err = Json.MAPPER.readTree(noContents.body()).path("error");
    assertThat(err.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(err.path("code").asInt()).isEqualTo(400);
    assertThat(err.path("message").asText()).contains("contents");

    HttpResponse<String> unknownModel = g.h.post("/v1beta/models/no-such-model:generateContent",
        "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}", "x-goog-api-key", GatewayHarness.KEY);
    // the harness routes every model to its upstream, whose answer is relayed; the shape is Google's either way
    assertThat(Json.MAPPER.readTree(unknownModel.body()).has("candidates")
        || Json.MAPPER.readTree(unknownModel.body()).path("error").has("status")).isTrue();

    HttpResponse<String> method = g.h.post("/v1beta/models/gpt-4o:embedContent", "{}",
        "x-goog-api-key", GatewayHarness.KEY);
    assertThat(method.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(method.body()).path("error").path("status").asText()).isEqualTo("NOT_FOUND");

    HttpResponse<String> badJson = g.h.post("/v1beta/models/gpt-4o:generateContent", "{nope",
        "x-goog-api-key", GatewayHarness.KEY);
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(badJson.body()).path("error").path("status").asText())
        .isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void countsTokensAndListsModelsInGeminisShape() {
    try (Client c = gemini("/api", GatewayHarness.KEY)) {
      CountTokensResponse n = c.models.countTokens("gpt-4o", "one two three four", null);
      assertThat(n.totalTokens().orElseThrow()).isBetween(3, 12);
      List<String> names = new ArrayList<>();
      for (Model m : c.models.list(null)) {
        names.add(m.name().orElseThrow());
      }
      assertThat(names).contains("models/gpt-4o");
      Model one = c.models.get("gpt-4o", null);
      assertThat(one.name()).contains("models/gpt-4o");
      assertThatThrownBy(() -> c.models.get("not-listed", null))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
    }
  }

  @Test
  void usageIsRecordedPerRequest() throws Exception {
    try (E2e.Gateway own = new E2e.Gateway(Database.Dialect.SQLITE)) {
      usageIsRecorded(own);
    }
  }

  private static void usageIsRecorded(E2e.Gateway g) throws Exception {
    HttpResponse<String> r = g.h.post("/api/v1beta/models/gpt-4o-mini:generateContent",
        "{\"contents\":[{\"parts\":[{\"text\":\"usage please\"}]}]}", "x-goog-api-key", GatewayHarness.KEY,
        "X-Request-ID", "gemini-usage-1");
    assertThat(r.statusCode()).isEqualTo(200);
    g.stopSluice();
    List<Map<String, Object>> rows = g.usageRows().stream()
        .filter(row -> "gemini-usage-1".equals(row.get("request_id"))).toList();
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().get("endpoint")).isEqualTo("generateContent");
    assertThat(rows.getFirst().get("model")).isEqualTo("gpt-4o-mini");
    assertThat((Long) rows.getFirst().get("prompt_tokens")).isEqualTo(10L);
  }
  @Test
  void upstreamFailuresReachGeminiClientsInGooglesShapeBeforeAndAfterTheFirstByte() throws Exception {
    String body = "{\"contents\":[{\"parts\":[{\"text\":\"one two three four five six\"}]}]}";
    MultiMap retry = MultiMap.caseInsensitiveMultiMap().add("Retry-After", "7");
    g.h.fake.inject(new FakeOpenAI.Fault.Status(429, "{\"error\":{\"message\":\"slow down\",\"type\":"
        + "\"rate_limit_error\",\"param\":null,\"code\":null}}", retry));
    HttpResponse<String> limited = g.h.post("/v1beta/models/gpt-4o:generateContent", body,
        "x-goog-api-key", GatewayHarness.KEY);
    assertThat(limited.statusCode()).isEqualTo(429);
    JsonNode err = Json.MAPPER.readTree(limited.body()).path("error");
    assertThat(err.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(err.path("message").asText()).contains("slow down");
    assertThat(err.path("details").toString()).contains("RetryInfo").contains("7s");

    g.h.fake.inject(new FakeOpenAI.Fault.DropMidStream(3));
    HttpResponse<String> sse = g.h.post("/v1beta/models/gpt-4o:streamGenerateContent?alt=sse", body,
        "x-goog-api-key", GatewayHarness.KEY);
    assertThat(sse.statusCode()).isEqualTo(200);
    String last = sse.body().strip().lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow();
    JsonNode streamErr = Json.MAPPER.readTree(last.substring(5)).path("error");
    assertThat(streamErr.path("code").asInt()).isEqualTo(502);
    assertThat(streamErr.path("status").asText()).isNotEmpty();

    g.h.fake.inject(new FakeOpenAI.Fault.DropMidStream(3));
    HttpResponse<String> array = g.h.post("/v1beta/models/gpt-4o:streamGenerateContent", body,
        "x-goog-api-key", GatewayHarness.KEY);
    JsonNode elements = Json.MAPPER.readTree(array.body());
    assertThat(elements.isArray()).as("still one JSON array: %s", array.body()).isTrue();
    assertThat(elements.get(elements.size() - 1).path("error").path("code").asInt()).isEqualTo(502);
  }

  @Test
  void theKeysModelsAndPlanApplyToGeminiClients() throws Exception {
    var limited = g.createKey("gemini-limited", "free", List.of("gpt-4o-mini"));
    HttpResponse<String> refused = g.h.post("/api/v1beta/models/gpt-4o:generateContent",
        "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}", "Authorization", "", "x-goog-api-key",
        limited.secret());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(Json.MAPPER.readTree(refused.body()).path("error").path("status").asText())
        .isEqualTo("PERMISSION_DENIED");
    HttpResponse<String> allowed = g.h.post("/api/v1beta/models/gpt-4o-mini:generateContent",
        "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}", "Authorization", "", "x-goog-api-key",
        limited.secret());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("X-RateLimit-Limit-Requests")).isPresent();
  }
}
