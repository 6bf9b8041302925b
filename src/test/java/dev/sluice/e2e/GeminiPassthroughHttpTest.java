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

  /** Bodies Gemini takes that chat completions cannot express: a Gemini target gets them unchanged. */
  static final List<String> GEMINI_ONLY_BODIES = List.of(
      "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"search\"}]}],\"tools\":[{\"googleSearch\":{}}],"
          + "\"generationConfig\":{\"candidateCount\":2}}",
      "{\"contents\":[{\"parts\":[{\"text\":\"run\"}]}],\"tools\":[{\"codeExecution\":{}},{\"urlContext\":{}}]}",
      "{\"contents\":[{\"parts\":[{\"text\":\"cached\"}]}],\"cachedContent\":\"cachedContents/abc123\"}",
      "{\"contents\":[{\"parts\":[{\"text\":\"stop\"}]}],"
          + "\"generationConfig\":{\"stopSequences\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}}",
      "{\"contents\":[{\"parts\":[{\"text\":\"draw\"}]}],\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]}}",
      "{\"contents\":[{\"parts\":[{\"text\":\"pick\"}]}],\"generationConfig\":{\"responseMimeType\":\"text/x.enum\","
          + "\"responseSchema\":{\"type\":\"STRING\",\"enum\":[\"red\",\"blue\"]}}}",
      "{\"contents\":[{\"parts\":[{\"text\":\"watch\"},{\"inlineData\":{\"mimeType\":\"video/mp4\",\"data\":\"AAAAGGZ0eXA=\"}},"
          + "{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":\"https://generativelanguage.googleapis.com/"
          + "v1beta/files/doc1\"}}]}]}");

  @Test
  void bodiesOnlyGeminiTakesReachTheGeminiTargetByteForByte() throws Exception {
    for (String model : List.of("gemini-2.5-pro", "gemini-2.5-flash")) {
      for (String body : GEMINI_ONLY_BODIES) {
        for (String rpc : List.of("generateContent", "streamGenerateContent")) {
          HttpResponse<String> r = g.h.post("/v1beta/models/" + model + ":" + rpc + "?alt=sse", body,
              "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
          assertThat(r.statusCode()).as(model + " " + rpc + " " + body + ": " + r.body()).isEqualTo(200);
          assertThat(google.last(rpc).body()).as("sent as it came").isEqualTo(body);
        }
      }
    }
    assertThat(g.h.fake.seen).as("nothing went to the chat target").isEmpty();
  }

  @Test
  void aChatTargetReachedByFallbackRefusesWhatItCannotTakeInGooglesShape() throws Exception {
    String search = GEMINI_ONLY_BODIES.getFirst();
    google.inject(FakeGemini.Fault.Status.rateLimited("7s"));
    HttpResponse<String> limited = g.h.post("/v1beta/models/gemini-2.5-flash:generateContent", search,
        "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(limited.statusCode()).as("the Gemini target's 429 beats the chat target's refusal: the body is fine "
        + "for Gemini").isEqualTo(429);
    assertThat(Json.MAPPER.readTree(limited.body()).path("error").path("status").asText())
        .isEqualTo("RESOURCE_EXHAUSTED");
    // the Gemini target is cooling down now: only the chat target is tried, and it cannot take the search tool
    HttpResponse<String> refused = g.h.post("/v1beta/models/gemini-2.5-flash:generateContent", search,
        "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(refused.body()).path("error");
    assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(error.path("code").asInt()).isEqualTo(400);
    assertThat(error.path("message").asText()).contains("tools[0].googleSearch");
    String plain = "{\"contents\":[{\"parts\":[{\"text\":\"plain\"}]}]}";
    HttpResponse<String> fellBack = g.h.post("/v1beta/models/gemini-2.5-flash:generateContent", plain,
        "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
    assertThat(g.h.fake.last().json().path("model").asText()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void aBodyWithoutContentsIsRefusedBeforeAnyTarget() throws Exception {
    HttpResponse<String> r = g.h.post("/v1beta/models/gemini-2.5-pro:generateContent",
        "{\"generationConfig\":{\"candidateCount\":2}}", "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(error.path("message").asText()).contains("contents");
    assertThat(google.count("generateContent")).isZero();
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
