package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.GatewayHarness;
import dev.sluice.Wiring;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.fake.FakeOpenAI.Fault;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model router through the official openai-java SDK, against two fake upstreams at once: routing by
 * exact name, alias and glob, fallback on each failure kind (JSON and streams), never after the first
 * byte, cooldown and recovery, the models list across routes, and bad configs refused naming the path.
 * Upstream {@code a} is the harness's own fake; {@code b} is a second one.
 */
class RoutingHttpTest {
  static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
  static final String STREAM = "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

  static final String ADMIN = "admin-key-for-routing-tests-0123";
  Vertx vertx;
  FakeOpenAI b;

  @BeforeEach
  void startSecondUpstream() {
    vertx = Vertx.vertx();
    b = FakeOpenAI.start(vertx);
    b.modelIds = List.of("claude-sonnet-4", "claude-haiku-4", "b-model");
  }

  @AfterEach
  void stop() {
    b.close();
    vertx.close().await();
  }

  String config(int threshold, String routes) {
    return """
        upstreams:
          a: { type: openai, base_url: "%s", api_key: "${A_KEY}", timeout_seconds: 1 }
          b: { type: openai, base_url: "%s", api_key: "%s", owned_by: "vendor-b" }
        auth:
          admin_api_key: "%s"
        routing:
          failure_threshold: %d
          cooldown_seconds: 1
        models:
        %s
        """.formatted("%s", b.baseUrl(), GatewayHarness.UPSTREAM_KEY, ADMIN, threshold, routes.indent(2));
  }

  E2e.Gateway gateway(int threshold, String routes) {
    // ${A_KEY} expands from the environment the gateway was started with
    return new E2e.Gateway(Database.Dialect.SQLITE, Map.of("A_KEY", GatewayHarness.UPSTREAM_KEY),
        fakeA -> config(threshold, routes).formatted(fakeA));
  }

  static OpenAIClient sdk(E2e.Gateway g) {
    return OpenAIOkHttpClient.builder().baseUrl(g.h.baseUrl() + "/v1").apiKey(GatewayHarness.KEY).maxRetries(0).build();
  }

  static ChatCompletion chat(OpenAIClient c, String model) {
    return c.chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage("hi there")
        .build());
  }

  @Test
  void exactNamesAliasesAndGlobsPickTheirUpstreams() throws Exception {
    try (E2e.Gateway g = gateway(3, """
        - { name: "gpt-*", targets: [b] }
        - { name: "gpt-4o", targets: [a] }
        - { name: "fast", targets: ["b:b-model"] }
        - { name: "claude-*", targets: [b] }
        - { name: "*", targets: [a] }
        """)) {
      OpenAIClient c = sdk(g);
      assertThat(chat(c, "gpt-4o").choices().getFirst().message().content()).hasValue("echo: hi there");
      assertThat(g.h.fake.last().json().path("model").asText()).as("exact beats an earlier glob").isEqualTo("gpt-4o");
      chat(c, "gpt-4.1");
      assertThat(b.last().json().path("model").asText()).isEqualTo("gpt-4.1");
      chat(c, "fast");
      assertThat(b.last().json().path("model").asText()).as("alias renamed").isEqualTo("b-model");
      chat(c, "claude-sonnet-4");
      assertThat(b.last().json().path("model").asText()).isEqualTo("claude-sonnet-4");
      int beforeA = g.h.fake.seen.size();
      chat(c, "something-else");
      assertThat(g.h.fake.seen.size()).isEqualTo(beforeA + 1);

      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT.formatted("fast"));
      assertThat(r.headers().firstValue("x-sluice-upstream")).hasValue("b");
      assertThat(b.last().headers().get("Authorization")).isEqualTo("Bearer " + GatewayHarness.UPSTREAM_KEY);
      assertThat(g.h.fake.last().headers().get("Authorization")).as("${A_KEY} expanded")
          .isEqualTo("Bearer " + GatewayHarness.UPSTREAM_KEY);

      // the model list: exact names and aliases as listed, glob routes' matches from their upstreams' lists
      Map<String, String> owners = c.models().list().data().stream()
          .collect(Collectors.toMap(Model::id, Model::ownedBy));
      assertThat(owners).containsKeys("gpt-4o", "fast", "claude-sonnet-4", "claude-haiku-4", "o3-mini");
      assertThat(owners).as("a's gpt-4o-mini would route to b (gpt-*), which does not list it")
          .doesNotContainKey("gpt-4o-mini");
      assertThat(owners.get("fast")).isEqualTo("vendor-b");
      assertThat(owners.get("claude-haiku-4")).isEqualTo("vendor-b");
      assertThat(owners).doesNotContainKey("b-model");
    }
  }

  @Test
  void eachFailureBeforeTheFirstByteMovesToTheNextTarget() throws Exception {
    try (E2e.Gateway g = gateway(100, "- { name: \"gpt-4o\", targets: [a, b] }")) {
      List<Fault> faults = List.of(new Fault.Reset(), Fault.status(500, "boom", "server_error"),
          Fault.status(503, "unavailable", "server_error"), new Fault.Stall(),
          new Fault.Status(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
              MultiMap.caseInsensitiveMultiMap()),
          new Fault.Status(429, "{\"error\":{\"message\":\"slow\",\"type\":\"rate_limit_error\"}}",
              MultiMap.caseInsensitiveMultiMap().add("Retry-After", "1")));
      for (String body : List.of(CHAT, STREAM)) {
        for (Fault f : faults) {
          int seenB = b.seen.size();
          g.h.fake.inject(f);
          HttpResponse<String> r = g.h.post("/v1/chat/completions", body.formatted("gpt-4o"));
          assertThat(r.statusCode()).as("%s %s", f, body).isEqualTo(200);
          assertThat(r.headers().firstValue("x-sluice-upstream")).as("%s", f).hasValue("b");
          assertThat(b.seen.size()).isEqualTo(seenB + 1);
          if (body == STREAM) {
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
          }
          Thread.sleep(f instanceof Fault.Status s && s.status() == 429 ? 1_100 : 0);
        }
      }
      g.stopSluice();
      Map<String, Object> row = g.usageRows().getFirst();
      assertThat(row.get("upstream")).isEqualTo("b");
      assertThat(row.get("attempts")).isEqualTo(2L);
      assertThat(row.get("status")).isEqualTo(200L);
    }
  }

  @Test
  void aStreamThatFailsBeforeAnyOutputMovesToTheNextTarget() throws Exception {
    try (E2e.Gateway g = gateway(100, "- { name: \"gpt-4o\", targets: [a, b] }")) {
      for (Fault f : List.of(new Fault.ErrorEventMidStream(1), new Fault.DropMidStream(1))) {
        g.h.fake.inject(f);
        HttpResponse<String> r = g.h.post("/v1/chat/completions", STREAM.formatted("gpt-4o"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-upstream")).as("%s", f).hasValue("b");
        assertThat(r.body()).as("%s: one stream, b's", f).doesNotContain("error").endsWith("data: [DONE]\n\n");
        assertThat(chatText(r.body())).isEqualTo("echo: hi there");
      }
    }
  }

  @Test
  void afterTheFirstByteThereIsNoFallbackAndARequestErrorIsReturnedAtOnce() throws Exception {
    try (E2e.Gateway g = gateway(100, "- { name: \"gpt-4o\", targets: [a, b] }")) {
      g.h.fake.inject(new Fault.DropMidStream(2));
      HttpResponse<String> r = g.h.post("/v1/chat/completions", STREAM.formatted("gpt-4o"));
      assertThat(r.statusCode()).isEqualTo(200);
      String[] frames = r.body().split("\n\n");
      assertThat(frames[frames.length - 1]).contains("\"code\":\"upstream_error\"");
      assertThat(b.seen).isEmpty();

      g.h.fake.inject(new Fault.Status(400, "{\"error\":{\"message\":\"bad field\",\"type\":\"invalid_request_error\","
          + "\"param\":\"x\",\"code\":null}}", MultiMap.caseInsensitiveMultiMap()));
      r = g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("bad field");
      assertThat(b.seen).as("a 4xx the upstream blames on the request is not retried").isEmpty();
    }
  }

  @Test
  void whenEveryTargetIsRateLimitedTheEarliestRetryAfterIsAnswered() throws Exception {
    try (E2e.Gateway g = gateway(100, "- { name: \"gpt-4o\", targets: [a, b] }")) {
      String limited = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":null}}";
      g.h.fake.inject(new Fault.Status(429, limited, MultiMap.caseInsensitiveMultiMap().add("Retry-After", "7")));
      b.inject(new Fault.Status(429, limited, MultiMap.caseInsensitiveMultiMap().add("Retry-After", "3")));
      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"));
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after")).hasValue("3");
      assertThat(Json.MAPPER.readTree(r.body()).path("error").path("type").asText()).isEqualTo("rate_limit_error");
    }
  }

  @Test
  void aFailingUpstreamCoolsDownIsSkippedAndIsProbedAfterwards() throws Exception {
    try (E2e.Gateway g = gateway(2, "- { name: \"gpt-4o\", targets: [a, b] }")) {
      g.h.fake.inject(Fault.status(500, "boom", "server_error"));
      g.h.fake.inject(Fault.status(500, "boom", "server_error"));
      g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"));
      g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"));
      int seenA = g.h.fake.seen.size();
      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"));
      assertThat(r.headers().firstValue("x-sluice-upstream")).hasValue("b");
      assertThat(g.h.fake.seen.size()).as("cooling down: skipped").isEqualTo(seenA);
      JsonNode status = Json.MAPPER.readTree(g.h.get("/admin/upstreams", "Authorization", "Bearer " + ADMIN).body());
      JsonNode a = status.path("data").get(0);
      assertThat(a.path("name").asText()).isEqualTo("a");
      assertThat(a.path("state").asText()).isEqualTo("cooling_down");
      assertThat(a.path("consecutive_failures").asInt()).isEqualTo(2);
      assertThat(a.path("cooldown_remaining_ms").asLong()).isBetween(1L, 1_000L);
      assertThat(a.path("last_error").asText()).contains("HTTP 500");
      assertThat(status.path("data").get(1).path("state").asText()).isEqualTo("healthy");
      assertThat(status.path("routes").get(0).path("targets").toString()).contains("a").contains("b");
      Thread.sleep(1_200);
      r = g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o"));
      assertThat(r.headers().firstValue("x-sluice-upstream")).as("probed after the cooldown").hasValue("a");
    }
  }

  @Test
  void theAdminRouteTableListsRoutesInTheOrderTheyAreMatched() throws Exception {
    try (E2e.Gateway g = gateway(3, """
        - { name: "claude-*", targets: [b] }
        - { name: "gpt-4o", targets: [a] }
        - { name: "*", targets: [a, b] }
        - { name: "fast", targets: ["b:b-model"] }
        - { name: "gpt-4o", targets: [b] }
        """)) {
      JsonNode status = Json.MAPPER.readTree(g.h.get("/admin/upstreams", "Authorization", "Bearer " + ADMIN).body());
      List<String> listed = new ArrayList<>();
      status.path("routes").forEach(r -> listed.add(r.path("name").asText() + " " + r.path("targets")));
      assertThat(listed).as("exact names first (a repeated name only once: the first wins), then patterns as written")
          .containsExactly("gpt-4o [\"a\"]", "fast [\"b:b-model\"]", "claude-* [\"b\"]", "* [\"a\",\"b\"]");
      assertThat(g.h.post("/v1/chat/completions", CHAT.formatted("gpt-4o")).headers().firstValue("x-sluice-upstream"))
          .as("the first listed route is the one that serves").hasValue("a");
    }
  }

  @Test
  void aModelNoRouteMatchesIs404BeforeAnyUpstreamOrQuota() throws Exception {
    try (E2e.Gateway g = gateway(3, "- { name: \"gpt-4o\", targets: [a] }")) {
      assertThatThrownBy(() -> chat(sdk(g), "nobody-serves-this")).isInstanceOf(NotFoundException.class)
          .hasMessageContaining("nobody-serves-this");
      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT.formatted("nobody-serves-this"));
      JsonNode err = Json.MAPPER.readTree(r.body()).path("error");
      assertThat(err.path("code").asText()).isEqualTo("model_not_found");
      assertThat(g.h.fake.seen).isEmpty();
      assertThat(b.seen).isEmpty();
    }
  }

  @Test
  void aStreamThroughTheRouterIsRelayedEventByEvent() throws Exception {
    try (E2e.Gateway g = gateway(3, "- { name: \"fast\", targets: [\"b:b-model\"] }")) {
      try (StreamResponse<ChatCompletionChunk> s = sdk(g).chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("fast").addUserMessage("one two three").build())) {
        String text = s.stream().flatMap(ch -> ch.choices().stream())
            .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("echo: one two three");
      }
    }
  }

  @Test
  void aResponsesClientReachesAChatOnlyUpstreamThroughTranslation() throws Exception {
    b.deepSeek = true;
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeA -> """
        upstreams:
          deepseek: { type: openai, base_url: "%s", api_key: "%s", endpoints: [chat/completions] }
        models:
          - { name: "*", targets: ["deepseek:deepseek-flash"] }
        """.formatted(b.baseUrl(), GatewayHarness.UPSTREAM_KEY))) {
      OpenAIClient c = sdk(g);
      Response r = c.responses().create(ResponseCreateParams.builder().model("fast").input("hello there").build());
      assertThat(r.output().stream().filter(ResponseOutputItem::isMessage)
          .flatMap(m -> m.asMessage().content().stream()).map(p -> p.asOutputText().text()).toList())
          .containsExactly("echo: hello there");
      assertThat(r.usage()).hasValueSatisfying(u -> assertThat(u.inputTokens()).isEqualTo(10));
      assertThat(b.last().path()).isEqualTo("/v1/chat/completions");
      assertThat(b.last().json().path("model").asText()).isEqualTo("deepseek-flash");
      assertThat(b.last().json().path("messages").get(0).path("content").asText()).isEqualTo("hello there");

      try (StreamResponse<ResponseStreamEvent> s = c.responses().createStreaming(
          ResponseCreateParams.builder().model("fast").input("one two").build())) {
        List<ResponseStreamEvent> events = s.stream().toList();
        String reasoning = events.stream().filter(ResponseStreamEvent::isReasoningSummaryTextDelta)
            .map(e -> e.asReasoningSummaryTextDelta().delta()).collect(Collectors.joining());
        String text = events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
            .map(e -> e.asOutputTextDelta().delta()).collect(Collectors.joining());
        assertThat(reasoning).isEqualTo(String.join("", FakeOpenAI.REASONING));
        assertThat(text).isEqualTo("echo: one two");
        assertThat(events.getFirst().isCreated()).isTrue();
        ResponseStreamEvent last = events.getLast();
        assertThat(last.isCompleted()).isTrue();
        assertThat(last.asCompleted().response().usage()).hasValueSatisfying(u ->
            assertThat(u.outputTokens()).isPositive());
      }
      g.stopSluice();
      assertThat(g.usageRows()).allSatisfy(row -> {
        assertThat(row.get("upstream")).isEqualTo("deepseek");
        assertThat(row.get("upstream_model")).isEqualTo("deepseek-flash");
        assertThat((Long) row.get("prompt_tokens")).isEqualTo(10L);
      });
    }
  }

  @Test
  void badRoutingConfigStopsStartUpNamingThePath() {
    String upstreams = """
        upstreams:
          a: { type: openai, base_url: "http://127.0.0.1:9" }
        """;
    assertThatThrownBy(() -> start(upstreams + "models:\n  - { name: x, targets: [a] }\n  - { name: y, targets: [a, nope] }\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("models[1].targets[1]").hasMessageContaining("nope");
    assertThatThrownBy(() -> start("upstreams:\n  a: { type: openai, base_url: \"http://127.0.0.1:9\", bogus: 1 }\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("upstreams.a.bogus");
    assertThatThrownBy(() -> start(upstreams + "models:\n  - { name: x, target: [a] }\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("models[0].target");
    assertThatThrownBy(() -> start("upstreams:\n  a: { type: grpc, base_url: \"http://127.0.0.1:9\" }\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("upstreams.a.type");
    assertThatThrownBy(() -> start("upstreams:\n  a: { type: openai, base_url: \"${NOT_SET_ANYWHERE}\" }\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("upstreams.a.base_url")
        .hasMessageContaining("NOT_SET_ANYWHERE");
  }

  /** The content of a chat completions event stream. */
  static String chatText(String sse) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String e : sse.split("\n\n")) {
      if (e.startsWith("data: {")) {
        sb.append(Json.MAPPER.readTree(e.substring(6)).path("choices").path(0).path("delta").path("content").asText(""));
      }
    }
    return sb.toString();
  }

  static void start(String yaml) {
    Wiring w = Wiring.start(Config.fromYaml(Map.of(), "storage:\n  url: \"jdbc:sqlite::memory:\"\n", yaml)).await();
    w.close();
  }
}
