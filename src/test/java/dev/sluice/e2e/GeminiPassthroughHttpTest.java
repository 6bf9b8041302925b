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
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeGemini;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini clients (google-genai) of a Gemini upstream (the fake): the client's body goes as it came, to
 * the model of its path; answers, streams, token counts and Google's errors come back as they came; a
 * 429 falls back to an OpenAI-compatible target, translated through chat.
 */
class GeminiPassthroughHttpTest {
  Vertx vertx;
  FakeGemini google;
  E2e.Gateway g;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    google = FakeGemini.start(vertx);
    g = new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeOpenAi -> """
        upstreams:
          google: { type: gemini, base_url: "%s", api_key: "%s" }
          gpt: { type: openai, base_url: "%s", api_key: "%s" }
        models:
          - { name: "gemini-2.5-flash", targets: [google, "gpt:gpt-4o-mini"] }
          - { name: "gemini-*", targets: [google] }
          - { name: "*", targets: [gpt] }
        """.formatted(google.baseUrl(), FakeGemini.KEY, fakeOpenAi, GatewayHarness.UPSTREAM_KEY));
  }

  @AfterEach
  void stop() {
    g.close();
    google.close();
    vertx.close().await();
  }

  Client client() {
    return Client.builder().apiKey(GatewayHarness.KEY)
        .httpOptions(HttpOptions.builder().baseUrl(g.h.baseUrl()).apiVersion("v1beta").build()).build();
  }

  @Test
  void theClientsBodyGoesAsItCameAndTheAnswerComesBackAsItCame() throws Exception {
    String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"as it came\"}]}],"
        + "\"generationConfig\":{\"temperature\":0.2,\"topK\":7}}";
    HttpResponse<String> r = g.h.post("/v1beta/models/gemini-2.5-pro:generateContent", body,
        "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    FakeGemini.Seen seen = google.last("generateContent");
    assertThat(seen.model()).isEqualTo("gemini-2.5-pro");
    assertThat(seen.json()).isEqualTo(Json.MAPPER.readTree(body));
    assertThat(seen.headers().get("x-goog-api-key")).isEqualTo(FakeGemini.KEY);
    JsonNode answer = Json.MAPPER.readTree(r.body());
    assertThat(answer.path("candidates").path(0).path("content").path("parts").path(0).path("text").asText())
        .isEqualTo("echo: as it came");
    assertThat(answer.path("usageMetadata").path("cachedContentTokenCount").asInt()).isEqualTo(4);
    assertThat(r.body()).doesNotContain(FakeGemini.KEY).doesNotContain(GatewayHarness.KEY);
  }

  @Test
  void streamsAndCountsThroughTheSdk() {
    try (Client c = client();
         ResponseStream<GenerateContentResponse> stream = c.models.generateContentStream("gemini-2.5-pro",
             "stream this", null)) {
      StringBuilder text = new StringBuilder();
      for (GenerateContentResponse r : stream) {
        if (r.text() != null) {
          text.append(r.text());
        }
      }
      assertThat(text.toString()).isEqualTo("echo: stream this");
      assertThat(google.last("streamGenerateContent").query()).contains("alt=sse");
      CountTokensResponse n = c.models.countTokens("gemini-2.5-pro", "count me", null);
      assertThat(n.totalTokens()).isPresent();
      assertThat(google.count("countTokens")).as("counted by the Gemini upstream").isEqualTo(1);
    }
  }

  @Test
  void googlesErrorsComeBackAsTheyCameAndA429FallsBack() {
    google.inject(new FakeGemini.Fault.Status(400, "INVALID_ARGUMENT", "Invalid value at 'contents[0]'", null));
    try (Client c = client()) {
      assertThatThrownBy(() -> c.models.generateContent("gemini-2.5-pro", "bad", null))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
            assertThat(e.message()).contains("Invalid value at 'contents[0]'");
          });
      google.inject(FakeGemini.Fault.Status.rateLimited("9s"));
      GenerateContentResponse fellBack = c.models.generateContent("gemini-2.5-flash", "fall back", null);
      assertThat(fellBack.text()).isEqualTo("echo: fall back");
      assertThat(g.h.fake.last().json().path("model").asText()).isEqualTo("gpt-4o-mini");
    }
  }
}
