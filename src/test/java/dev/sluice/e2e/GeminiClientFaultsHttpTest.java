package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.errors.ApiException;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeAnthropic;
import dev.sluice.fake.FakeGemini;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.storage.Database;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Gemini client sees when things go wrong, on a Gemini upstream (the body as it came) and on
 * an OpenAI-compatible one (through chat): an upstream silent before its first byte is a 504
 * DEADLINE_EXCEEDED; silent after it, the stream's last element or event is that error; an upstream
 * 503 (or Anthropic's 529) is 503 UNAVAILABLE; the key's own per-minute limit is 429
 * RESOURCE_EXHAUSTED with RetryInfo. A stream without {@code alt=sse} is a JSON array whose elements
 * arrive while the upstream is still holding the rest. The harness's upstream timeout is 2 s.
 */
class GeminiClientFaultsHttpTest {
  static final String HI = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi there\"}]}]}";
  static Vertx vertx;
  static FakeGemini google;
  static FakeAnthropic claude;
  static E2e.Gateway g;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    google = FakeGemini.start(vertx);
    claude = FakeAnthropic.start(vertx);
    g = new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeOpenAi -> """
        plans:
          one_a_minute: { chat_rpm: 1, images_rpm: 1, embeddings_rpm: 1, tpm: 100000 }
        upstreams:
          google: { type: gemini, base_url: "%s", api_key: "%s" }
          claude: { type: anthropic, base_url: "%s", api_key: "%s", version: "2023-06-01", default_max_tokens: 512 }
          gpt: { type: openai, base_url: "%s", api_key: "%s" }
        models:
          - { name: "gemini-*", targets: [google] }
          - { name: "claude-*", targets: [claude] }
          - { name: "*", targets: [gpt] }
        """.formatted(google.baseUrl(), FakeGemini.KEY, claude.baseUrl(), FakeAnthropic.KEY, fakeOpenAi,
        GatewayHarness.UPSTREAM_KEY));
  }

  @AfterAll
  static void stop() {
    g.close();
    claude.close();
    google.close();
    vertx.close().await();
  }

  /** The SDK, making one attempt (it retries 408, 429 and 5xx by default, which would hide the answer tested). */
  static Client client(String key) {
    return Client.builder().apiKey(key).httpOptions(HttpOptions.builder().baseUrl(g.h.baseUrl()).apiVersion("v1beta")
        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
  }

  static HttpResponse<String> post(String model, String rpc, String body, String key) throws Exception {
    return g.h.post("/v1beta/models/" + model + ":" + rpc, body, "Authorization", "", "x-goog-api-key", key);
  }

  static JsonNode error(String body) throws Exception {
    return Json.MAPPER.readTree(body).path("error");
  }

  @Test
  void anUpstreamSilentBeforeItsFirstByteIsDeadlineExceeded() throws Exception {
    google.inject(new FakeGemini.Fault.Stall());
    try (Client c = client(GatewayHarness.KEY)) {
      assertThatThrownBy(() -> c.models.generateContent("gemini-2.5-pro", "hi there", null))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(504);
            assertThat(e.status()).isEqualTo("DEADLINE_EXCEEDED");
          });
    }
    g.h.fake.inject(new FakeOpenAI.Fault.Stall());
    HttpResponse<String> stream = post("gpt-4o", "streamGenerateContent?alt=sse", HI, GatewayHarness.KEY);
    assertThat(stream.statusCode()).isEqualTo(504);
    assertThat(error(stream.body()).path("status").asText()).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(error(stream.body()).path("code").asInt()).isEqualTo(504);
  }

  @Test
  void anUpstreamSilentAfterTheFirstByteEndsTheStreamWithDeadlineExceeded() throws Exception {
    for (String model : List.of("gemini-2.5-pro", "gpt-4o")) {
      stallMidStream(model);
      HttpResponse<String> r = post(model, "streamGenerateContent?alt=sse", HI, GatewayHarness.KEY);
      assertThat(r.statusCode()).as(model).isEqualTo(200);
      String[] events = r.body().trim().split("\r?\n\r?\n");
      assertThat(events[0]).as(model + ": the answer began").startsWith("data: ").contains("echo: ");
      String last = events[events.length - 1];
      assertThat(last).startsWith("data: ");
      JsonNode err = error(last.substring("data: ".length()));
      assertThat(err.path("status").asText()).as(model).isEqualTo("DEADLINE_EXCEEDED");
      assertThat(err.path("code").asInt()).isEqualTo(504);
    }
  }

  @Test
  void aJsonArrayStreamDeliversItsElementsBeforeItEnds() throws Exception {
    for (String model : List.of("gemini-2.5-pro", "gpt-4o")) {
      stallMidStream(model);
      HttpRequest req = HttpRequest.newBuilder(URI.create(g.h.baseUrl() + "/v1beta/models/" + model
              + ":streamGenerateContent")).timeout(Duration.ofSeconds(20)).header("x-goog-api-key", GatewayHarness.KEY)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(HI)).build();
      HttpResponse<InputStream> r = g.h.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
      try (InputStream in = r.body()) {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        while (!read.toString(StandardCharsets.UTF_8).contains("echo: ")) {
          int b = in.read();
          assertThat(b).as(model + ": the stream ended before its first element: " + read).isNotEqualTo(-1);
          read.write(b);
        }
        long firstElement = System.nanoTime();
        assertThat(read.toString(StandardCharsets.UTF_8)).startsWith("[");
        read.write(in.readAllBytes());
        long ended = System.nanoTime();
        assertThat((ended - firstElement) / 1_000_000).as(model + ": the first element came while the upstream "
            + "held the rest, until the 2 s timeout").isGreaterThan(1_000);
        JsonNode array = Json.MAPPER.readTree(read.toByteArray());
        assertThat(array.isArray()).isTrue();
        JsonNode err = array.get(array.size() - 1).path("error");
        assertThat(err.path("status").asText()).as(model + ": the last element").isEqualTo("DEADLINE_EXCEEDED");
        assertThat(err.path("code").asInt()).isEqualTo(504);
      }
    }
  }

  @Test
  void anUnavailableUpstreamIsUnavailable() throws Exception {
    google.inject(FakeGemini.Fault.Status.unavailable());
    try (Client c = client(GatewayHarness.KEY)) {
      assertThatThrownBy(() -> c.models.generateContent("gemini-2.5-pro", "hi", null))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(503);
            assertThat(e.status()).isEqualTo("UNAVAILABLE");
          });
    }
    g.h.fake.inject(new FakeOpenAI.Fault.Status(503, "{\"error\":{\"message\":\"The engine is currently overloaded\","
        + "\"type\":\"server_error\",\"param\":null,\"code\":null}}", MultiMap.caseInsensitiveMultiMap()));
    HttpResponse<String> openAi = post("gpt-4o", "generateContent", HI, GatewayHarness.KEY);
    assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(503);
    assertThat(error(openAi.body()).path("status").asText()).isEqualTo("UNAVAILABLE");
    claude.inject(new FakeAnthropic.Fault.Status(529, "overloaded_error", MultiMap.caseInsensitiveMultiMap()));
    HttpResponse<String> anthropic = post("claude-sonnet-4-5", "generateContent", HI, GatewayHarness.KEY);
    assertThat(anthropic.statusCode()).as("no 529 for a Gemini client: " + anthropic.body()).isEqualTo(503);
    assertThat(error(anthropic.body()).path("status").asText()).isEqualTo("UNAVAILABLE");
    assertThat(error(anthropic.body()).path("code").asInt()).isEqualTo(503);
  }

  @Test
  void theKeysRequestsPerMinuteLimitIsResourceExhaustedWithRetryInfo() throws Exception {
    CreatedKey key = g.createKey("gemini-limited", "one_a_minute", List.of());
    int sentToGoogle = google.count("generateContent");
    assertThat(post("gpt-4o", "generateContent", HI, key.secret()).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = post("gemini-2.5-pro", "generateContent", HI, key.secret());
    assertThat(limited.statusCode()).isEqualTo(429);
    JsonNode err = error(limited.body());
    assertThat(err.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(err.path("code").asInt()).isEqualTo(429);
    String retryAfter = limited.headers().firstValue("retry-after").orElseThrow();
    JsonNode retryInfo = null;
    for (JsonNode d : err.path("details")) {
      if (d.path("@type").asText().equals("type.googleapis.com/google.rpc.RetryInfo")) {
        retryInfo = d;
      }
    }
    assertThat(retryInfo).as("RetryInfo in " + err).isNotNull();
    assertThat(retryInfo.path("retryDelay").asText()).isEqualTo(retryAfter + "s");
    assertThat(google.count("generateContent")).as("refused before any upstream").isEqualTo(sentToGoogle);
    try (Client c = client(key.secret())) {
      assertThatThrownBy(() -> c.models.generateContentStream("gemini-2.5-pro", "hi", null))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(429);
            assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
          });
    }
  }

  private static void stallMidStream(String model) {
    if (model.startsWith("gemini-")) {
      google.inject(new FakeGemini.Fault.StallMidStream());
    } else {
      g.h.fake.inject(new FakeOpenAI.Fault.StallMidStream(3));
    }
  }
}
