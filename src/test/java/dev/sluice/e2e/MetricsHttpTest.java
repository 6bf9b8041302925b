package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.fake.FakeOpenAI.Fault;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.storage.Database;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} scraped after real requests through openai-java and plain HTTP, against two fake
 * upstreams: requests by endpoint, route, upstream, status class and code; latency and TTFB histograms;
 * tokens by kind; attempts and fallbacks; rate-limit rejections by plan; a client's model name never
 * becoming a label. And {@code GET /admin/requests}, the request log, filtered.
 */
class MetricsHttpTest {
  static final String ADMIN = "admin-key-for-metrics-tests-0123";
  static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

  Vertx vertx;
  FakeOpenAI b;
  int metricsPort;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    b = FakeOpenAI.start(vertx);
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    b.close();
    vertx.close().await();
  }

  E2e.Gateway gateway(String... extraYaml) {
    return new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeA -> """
        upstreams:
          a: { type: openai, base_url: "%s", api_key: "%s" }
          b: { type: openai, base_url: "%s", api_key: "%s" }
        models:
          - { name: "gpt-4o", targets: [a, b] }
          - { name: "fast", targets: ["b:b-model"] }
          - { name: "claude-*", targets: [b] }
        auth:
          admin_api_key: "%s"
        plans:
          tiny: { chat_rpm: 1, images_rpm: 1, embeddings_rpm: 1, tpm: 100000 }
        metrics:
          listen: "127.0.0.1:%d"
        request_log:
          size: 5
        server:
          max_body_bytes: 65536
        """.formatted(fakeA, GatewayHarness.UPSTREAM_KEY, b.baseUrl(), GatewayHarness.UPSTREAM_KEY, ADMIN,
        metricsPort), extraYaml);
  }

  @Test
  void scrapedCountsFollowTheRequestsAndLabelsComeOnlyFromTheConfig() throws Exception {
    try (E2e.Gateway g = gateway()) {
      assertThat(g.h.get("/metrics", "Authorization", "").statusCode()).isEqualTo(401);
      assertThat(g.h.get("/metrics").statusCode()).as("an API key is not the admin key").isEqualTo(401);

      OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(g.h.baseUrl() + "/v1").apiKey(GatewayHarness.KEY)
          .maxRetries(0).build();
      sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o")
          .addUserMessage("hi there").build());
      try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("fast").addUserMessage("one two three").build())) {
        assertThat(s.stream().count()).isPositive();
      }
      g.h.fake.inject(Fault.status(500, "boom", "server_error"));
      assertThat(g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o")).headers()
          .firstValue("x-sluice-upstream")).hasValue("b");
      assertThat(g.h.post("/v1/chat/completions", CHAT.formatted("claude-made-up-by-the-client")).statusCode())
          .isEqualTo(200);
      HttpResponse<String> unknown = g.h.post("/v1/chat/completions", CHAT.formatted("client-made-up-model-xyz"));
      assertThat(unknown.statusCode()).isEqualTo(404);
      CreatedKey tiny = g.createKey("tiny-key", "tiny", List.of());
      assertThat(g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"), "Authorization",
          "Bearer " + tiny.secret()).statusCode()).isEqualTo(200);
      assertThat(g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"), "Authorization",
          "Bearer " + tiny.secret()).statusCode()).isEqualTo(429);

      HttpResponse<String> scrape = g.h.get("/metrics", "Authorization", "Bearer " + ADMIN);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
          .startsWith("text/plain"));
      Prom m = new Prom(scrape.body());

      assertThat(m.value("sluice_requests_total", "endpoint", "chat/completions", "dialect", "openai",
          "route", "gpt-4o", "upstream", "a", "status_class", "2xx", "code", "none")).isEqualTo(2);
      assertThat(m.value("sluice_requests_total", "route", "gpt-4o", "upstream", "b", "status_class", "2xx"))
          .as("the fallback served by b").isEqualTo(1);
      assertThat(m.value("sluice_requests_total", "route", "fast", "upstream", "b")).isEqualTo(1);
      assertThat(m.value("sluice_requests_total", "route", "claude-*", "upstream", "b", "status_class", "2xx"))
          .as("a glob route is labelled with its pattern").isEqualTo(1);
      assertThat(m.value("sluice_requests_total", "route", "unrouted", "upstream", "none", "status_class", "4xx",
          "code", "model_not_found")).isEqualTo(1);
      assertThat(m.value("sluice_requests_total", "status_class", "4xx", "code", "rate_limit_exceeded"))
          .isEqualTo(1);
      assertThat(scrape.body()).as("a client's model never becomes a label").doesNotContain("client-made-up")
          .doesNotContain("claude-made-up");
      assertThat(scrape.body()).doesNotContain(GatewayHarness.KEY).doesNotContain(GatewayHarness.UPSTREAM_KEY)
          .doesNotContain(ADMIN);

      assertThat(m.value("sluice_upstream_attempts_total", "upstream", "a", "outcome", "upstream_error"))
          .isEqualTo(1);
      assertThat(m.value("sluice_upstream_attempts_total", "upstream", "b", "outcome", "ok")).isEqualTo(3);
      assertThat(m.value("sluice_upstream_fallbacks_total", "route", "gpt-4o")).isEqualTo(1);
      assertThat(m.value("sluice_ratelimit_rejections_total", "plan", "tiny")).isEqualTo(1);

      // the fake reports 10 prompt tokens (2 of them cached) on every JSON chat completion
      assertThat(m.value("sluice_tokens_total", "route", "gpt-4o", "upstream", "a", "kind", "prompt")).isEqualTo(20);
      assertThat(m.value("sluice_tokens_total", "route", "gpt-4o", "upstream", "a", "kind", "cached")).isEqualTo(4);
      assertThat(m.value("sluice_tokens_total", "route", "fast", "upstream", "b", "kind", "completion"))
          .isPositive();

      assertThat(m.value("sluice_request_duration_seconds_count", "route", "gpt-4o", "upstream", "a")).isEqualTo(2);
      assertThat(m.value("sluice_request_duration_seconds_bucket", "route", "gpt-4o", "upstream", "a", "le", "+Inf"))
          .isEqualTo(2);
      assertThat(m.value("sluice_request_ttfb_seconds_count", "route", "fast", "upstream", "b")).isEqualTo(1);
      assertThat(m.value("sluice_requests_in_flight")).isEqualTo(0);
      assertThat(m.has("sluice_usage_queue_depth")).isTrue();

      // the separate address answers without a key
      HttpResponse<String> open = g.h.http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(new Prom(open.body()).value("sluice_upstream_fallbacks_total", "route", "gpt-4o")).isEqualTo(1);
    }
  }

  @Test
  void theRequestLogListsTheLastRequestsNewestFirstFiltered() throws Exception {
    try (E2e.Gateway g = gateway()) {
      assertThat(g.h.get("/admin/requests").statusCode()).isEqualTo(401);
      for (int i = 0; i < 3; i++) {
        assertThat(g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o")).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> refused = g.h.post("/v1/chat/completions", CHAT.formatted("nope"));
      assertThat(refused.statusCode()).isEqualTo(404);
      HttpResponse<String> streamed = g.h.post("/v1/chat/completions",
          "{\"model\":\"fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}");
      assertThat(streamed.statusCode()).isEqualTo(200);

      JsonNode all = Json.parse(g.h.get("/admin/requests", "Authorization", "Bearer " + ADMIN).body());
      assertThat(all.path("capacity").asInt()).isEqualTo(5);
      assertThat(all.path("bodies").asBoolean()).as("logging.bodies is off by default").isFalse();
      List<JsonNode> data = list(all);
      assertThat(data).hasSize(5);
      JsonNode newest = data.getFirst();
      assertThat(newest.path("request_id").asText()).isEqualTo(streamed.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(newest.path("model").asText()).isEqualTo("fast");
      assertThat(newest.path("upstream").asText()).isEqualTo("b");
      assertThat(newest.path("upstream_model").asText()).isEqualTo("b-model");
      assertThat(newest.path("stream").asBoolean()).isTrue();
      assertThat(newest.path("status").asInt()).isEqualTo(200);
      assertThat(newest.path("key_name").asText()).isNotEmpty();
      assertThat(newest.path("ttfb_ms").asLong()).isBetween(0L, newest.path("latency_ms").asLong());
      assertThat(list(all)).as("no bodies").allSatisfy(n -> assertThat(n.has("request_body") || n.has("response_body")
          || n.toString().contains("hi there") || n.toString().contains("echo")).isFalse());
      JsonNode json = data.get(2);
      assertThat(json.path("model").asText()).isEqualTo("gpt-4o");
      assertThat(json.path("prompt_tokens").asLong()).isEqualTo(10);
      assertThat(json.path("cached_tokens").asLong()).isEqualTo(2);

      List<JsonNode> errors = list(Json.parse(g.h.get("/admin/requests?status=4xx", "Authorization",
          "Bearer " + ADMIN).body()));
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.path("status").asInt()).isEqualTo(404);
        assertThat(e.path("error_code").asText()).isEqualTo("model_not_found");
        assertThat(e.path("request_id").asText()).isEqualTo(refused.headers().firstValue("X-Request-ID").orElseThrow());
      });
      assertThat(list(Json.parse(g.h.get("/admin/requests?upstream=b", "Authorization", "Bearer " + ADMIN).body())))
          .extracting(n -> n.path("model").asText()).containsExactly("fast");
      assertThat(list(Json.parse(g.h.get("/admin/requests?model=gpt-4o&limit=2", "Authorization",
          "Bearer " + ADMIN).body()))).hasSize(2);
      for (int i = 0; i < 5; i++) {
        g.h.post("/v1/chat/completions", CHAT.formatted("fast"));
      }
      assertThat(list(Json.parse(g.h.get("/admin/requests?model=gpt-4o", "Authorization", "Bearer " + ADMIN).body())))
          .as("the ring keeps the last 5 only").isEmpty();
      assertThat(g.h.get("/admin/requests?limit=0", "Authorization", "Bearer " + ADMIN).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void requestsAnsweredBeforeTheRelayAreCountedAndLoggedWithoutTheirPathAsALabel() throws Exception {
    try (E2e.Gateway g = gateway()) {
      HttpResponse<String> unknown = g.h.get("/v1/client-chosen-path-xyz");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(g.h.get("/client-chosen-root-path").statusCode()).isEqualTo(404);
      assertThat(g.h.post("/v1/files", "{}").statusCode()).isEqualTo(404);
      HttpResponse<String> tooLarge = g.h.post("/v1/chat/completions",
          CHAT.formatted("gpt-4o").replace("hi there", "x".repeat(70_000)));
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(g.h.post("/v1beta/models/gemini-2.5-pro:clientChosenMethod", "{}").statusCode()).isEqualTo(404);

      Prom m = new Prom(g.h.get("/metrics", "Authorization", "Bearer " + ADMIN).body());
      assertThat(m.value("sluice_requests_total", "endpoint", "other", "dialect", "none", "route", "unrouted",
          "upstream", "none", "status_class", "4xx", "code", "not_found")).isEqualTo(3);
      assertThat(m.value("sluice_requests_total", "endpoint", "other", "code", "unsupported_endpoint")).isEqualTo(1);
      assertThat(m.value("sluice_requests_total", "endpoint", "chat/completions", "route", "unrouted",
          "status_class", "4xx", "code", "request_too_large")).isEqualTo(1);
      assertThat(m.value("sluice_request_duration_seconds_count", "endpoint", "other")).isEqualTo(4);
      assertThat(m.text()).as("a client's path never becomes a label").doesNotContain("client-chosen");

      List<JsonNode> logged = list(Json.parse(g.h.get("/admin/requests", "Authorization", "Bearer " + ADMIN).body()));
      assertThat(logged).extracting(n -> n.path("status").asInt() + " " + n.path("error_code").asText() + " "
          + n.path("endpoint").asText() + " " + n.path("path").asText()).containsExactly(
          "404 not_found other /v1beta/models/gemini-2.5-pro:clientChosenMethod",
          "413 request_too_large chat/completions /v1/chat/completions",
          "404 unsupported_endpoint other /v1/files",
          "404 not_found other /client-chosen-root-path",
          "404 not_found other /v1/client-chosen-path-xyz");
      assertThat(logged.get(1).path("request_id").asText())
          .isEqualTo(tooLarge.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(logged.getLast().path("request_id").asText())
          .isEqualTo(unknown.headers().firstValue("X-Request-ID").orElseThrow());
    }
  }

  @Test
  void withLoggingBodiesOnTheRequestLogKeepsBodiesAsSentCutAt16KiBAndNoHeader() throws Exception {
    try (E2e.Gateway g = gateway("""
        logging: { bodies: true }
        """)) {
      String sent = CHAT.formatted("gpt-4o");
      HttpResponse<String> json = g.h.post("/v1/chat/completions", sent);
      String streamRequest = "{\"model\":\"fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}";
      HttpResponse<String> streamed = g.h.post("/v1/chat/completions", streamRequest);
      HttpResponse<String> refused = g.h.post("/v1/chat/completions", CHAT.formatted("nope"));
      String large = CHAT.formatted("gpt-4o").replace("hi there", "é".repeat(12_000));
      HttpResponse<String> echoed = g.h.post("/v1/chat/completions", large);
      assertThat(List.of(json.statusCode(), streamed.statusCode(), refused.statusCode(), echoed.statusCode()))
          .containsExactly(200, 200, 404, 200);

      String text = g.h.get("/admin/requests", "Authorization", "Bearer " + ADMIN).body();
      JsonNode all = Json.parse(text);
      assertThat(all.path("bodies").asBoolean()).isTrue();
      Map<String, JsonNode> byId = new LinkedHashMap<>();
      list(all).forEach(n -> byId.put(n.path("request_id").asText(), n));

      JsonNode j = byId.get(json.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(j.path("request_body").asText()).isEqualTo(sent);
      assertThat(j.path("response_body").asText()).as("the JSON answer as the client got it").isEqualTo(json.body());
      assertThat(j.path("request_body_truncated").asBoolean()).isFalse();
      assertThat(j.path("response_body_truncated").asBoolean()).isFalse();
      JsonNode s = byId.get(streamed.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(s.path("request_body").asText()).isEqualTo(streamRequest);
      assertThat(s.path("response_body").asText()).as("the stream's events as sent").isEqualTo(streamed.body())
          .contains("data: [DONE]");
      JsonNode e = byId.get(refused.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(e.path("response_body").asText()).as("the error as sent").isEqualTo(refused.body())
          .contains("model_not_found");

      JsonNode cut = byId.get(echoed.headers().firstValue("X-Request-ID").orElseThrow());
      String request = cut.path("request_body").asText();
      String answer = cut.path("response_body").asText();
      assertThat(cut.path("request_body_truncated").asBoolean()).isTrue();
      assertThat(cut.path("response_body_truncated").asBoolean()).isTrue();
      assertThat(request.getBytes(StandardCharsets.UTF_8).length).as("16 KiB, less a character cut in two")
          .isBetween(16 * 1024 - 1, 16 * 1024);
      assertThat(large).startsWith(request);
      assertThat(answer.getBytes(StandardCharsets.UTF_8).length).isBetween(16 * 1024 - 3, 16 * 1024);
      assertThat(echoed.body()).startsWith(answer);

      assertThat(text).as("no header: neither the client's key nor the upstream's")
          .doesNotContain(GatewayHarness.KEY).doesNotContain(GatewayHarness.UPSTREAM_KEY);
    }
  }

  static List<JsonNode> list(JsonNode root) {
    List<JsonNode> out = new ArrayList<>();
    root.path("data").forEach(out::add);
    return out;
  }

  /** Prometheus text: the sum of the samples of a name whose labels include the given ones. */
  record Prom(String text) {
    double value(String name, String... labels) {
      double sum = 0;
      boolean found = false;
      for (String line : text.split("\n")) {
        if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
          continue;
        }
        Map<String, String> got = labels(line);
        boolean all = true;
        for (int i = 0; i < labels.length; i += 2) {
          all &= labels[i + 1].equals(got.get(labels[i]));
        }
        if (all) {
          found = true;
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertThat(found).as("a sample of %s with %s in:%n%s", name, List.of(labels), text).isTrue();
      return sum;
    }

    boolean has(String name) {
      return text.lines().anyMatch(l -> l.startsWith(name + " ") || l.startsWith(name + "{"));
    }

    static Map<String, String> labels(String line) {
      Map<String, String> out = new LinkedHashMap<>();
      int open = line.indexOf('{');
      int close = line.lastIndexOf('}');
      if (open < 0 || close < open) {
        return out;
      }
      for (String pair : line.substring(open + 1, close).split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
      }
      return out;
    }
  }
}
