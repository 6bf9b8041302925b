package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeAnthropic;
import dev.sluice.fake.FakeAnthropic.Fault;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic both ways through the real SDKs: openai-java clients reaching a Claude upstream (the fake
 * Anthropic API), and anthropic-java clients of {@code /v1/messages} reaching an Anthropic upstream (as it
 * came) and an OpenAI-compatible one (translated through chat), with errors in Anthropic's shape.
 */
class AnthropicHttpTest {
  Vertx vertx;
  FakeAnthropic claude;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    claude = FakeAnthropic.start(vertx);
  }

  @AfterEach
  void stop() {
    claude.close();
    vertx.close().await();
  }

  E2e.Gateway gateway(String version) {
    return new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeOpenAi -> """
        upstreams:
          claude: { type: anthropic, base_url: "%s", api_key: "%s", version: "%s", default_max_tokens: 512 }
          gpt: { type: openai, base_url: "%s", api_key: "%s" }
        models:
          - { name: "claude-*", targets: [claude] }
          - { name: "sonnet", targets: ["claude:claude-sonnet-4-5", gpt] }
          - { name: "*", targets: [gpt] }
        """.formatted(claude.baseUrl(), FakeAnthropic.KEY, version, fakeOpenAi, GatewayHarness.UPSTREAM_KEY));
  }

  static AnthropicClient anthropic(E2e.Gateway g) {
    return AnthropicOkHttpClient.builder().baseUrl(g.h.baseUrl()).apiKey(GatewayHarness.KEY).maxRetries(0).build();
  }

  static OpenAIClient openai(E2e.Gateway g) {
    return OpenAIOkHttpClient.builder().baseUrl(g.h.baseUrl() + "/v1").apiKey(GatewayHarness.KEY).maxRetries(0).build();
  }

  static String text(Message m) {
    return m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).collect(Collectors.joining());
  }

  @Test
  void openAiClientsReachClaudeJsonAndStreamsWithCacheUsage() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      ChatCompletion c = openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("claude-sonnet-4-5").addSystemMessage("be brief").addUserMessage("hello there").temperature(0.5)
          .build());
      assertThat(c.choices().getFirst().message().content()).hasValue("echo: hello there");
      assertThat(c.usage()).hasValueSatisfying(u -> {
        assertThat(u.promptTokens()).as("input + cache writes + cache reads").isEqualTo(13);
        assertThat(u.promptTokensDetails().flatMap(d -> d.cachedTokens())).hasValue(2L);
      });
      JsonNode sent = claude.last().json();
      assertThat(sent.path("system").toString()).contains("be brief");
      assertThat(sent.path("max_tokens").asInt()).as("the upstream's default").isEqualTo(512);
      assertThat(claude.last().headers().get("x-api-key")).isEqualTo(FakeAnthropic.KEY);
      assertThat(claude.last().headers().get("anthropic-version")).isEqualTo("2023-06-01");

      try (var s = openai(g).chat().completions().createStreaming(ChatCompletionCreateParams.builder()
          .model("claude-haiku-4-5").addUserMessage("one two three").build())) {
        List<ChatCompletionChunk> chunks = s.stream().toList();
        String text = chunks.stream().flatMap(ch -> ch.choices().stream())
            .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("echo: one two three");
        assertThat(chunks.getLast().choices().getLast().finishReason()).isPresent();
      }
    }
  }

  @Test
  void theNewerApiVersionGetsNoSamplingParameters() throws Exception {
    try (E2e.Gateway g = gateway("2026-10-21")) {
      ChatCompletion c = openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("claude-sonnet-4-5").addUserMessage("hi").temperature(0.2).topP(0.9).build());
      assertThat(c.choices().getFirst().message().content()).hasValue("echo: hi");
      assertThat(claude.last().json().has("temperature")).isFalse();
      assertThat(claude.last().json().has("top_p")).isFalse();
    }
  }

  @Test
  void anthropicClientsReachAnAnthropicUpstreamAsTheyCame() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      AnthropicClient a = anthropic(g);
      Message m = a.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(100)
          .addUserMessage("hello claude").build());
      assertThat(text(m)).isEqualTo("echo: hello claude");
      assertThat(m.usage().cacheReadInputTokens()).hasValue(2L);
      assertThat(claude.last().path()).isEqualTo("/v1/messages");
      assertThat(claude.last().json().path("max_tokens").asInt()).as("the client's, untouched").isEqualTo(100);

      MessageAccumulator acc = MessageAccumulator.create();
      try (StreamResponse<RawMessageStreamEvent> s = a.messages().createStreaming(MessageCreateParams.builder()
          .model("claude-sonnet-4-5").maxTokens(100).addUserMessage("streamed words").build())) {
        s.stream().forEach(acc::accumulate);
      }
      assertThat(text(acc.message())).isEqualTo("echo: streamed words");

      long n = a.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
          .addUserMessage("count these four words").build()).inputTokens();
      assertThat(n).as("the upstream's own count").isEqualTo(7 + 4);
      g.stopSluice();
      assertThat(g.usageRows()).filteredOn(r -> "messages".equals(r.get("endpoint"))).allSatisfy(r -> {
        assertThat(r.get("upstream")).isEqualTo("claude");
        assertThat(r.get("prompt_tokens")).isEqualTo(13L);
        assertThat(r.get("completion_tokens")).isEqualTo(5L);
      });
    }
  }

  @Test
  void anthropicClientsReachAnOpenAiUpstreamThroughChat() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      AnthropicClient a = anthropic(g);
      Message m = a.messages().create(MessageCreateParams.builder().model("gpt-4o").maxTokens(100)
          .system("be brief").addUserMessage("hello gpt").build());
      assertThat(text(m)).isEqualTo("echo: hello gpt");
      assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
      assertThat(g.h.fake.last().path()).isEqualTo("/v1/chat/completions");
      assertThat(g.h.fake.last().json().path("messages").get(0).path("role").asText()).isEqualTo("system");

      MessageAccumulator acc = MessageAccumulator.create();
      List<String> types;
      try (StreamResponse<RawMessageStreamEvent> s = a.messages().createStreaming(MessageCreateParams.builder()
          .model("gpt-4o").maxTokens(100).addUserMessage("one two").build())) {
        List<RawMessageStreamEvent> events = s.stream().toList();
        events.forEach(acc::accumulate);
        types = events.stream().map(e -> e.isMessageStart() ? "message_start" : e.isMessageStop() ? "message_stop"
            : e.isMessageDelta() ? "message_delta" : "block").toList();
      }
      assertThat(text(acc.message())).isEqualTo("echo: one two");
      assertThat(types.getFirst()).isEqualTo("message_start");
      assertThat(types.getLast()).isEqualTo("message_stop");
      assertThat(types).contains("message_delta");

      long n = a.messages().countTokens(MessageCountTokensParams.builder().model("gpt-4o")
          .addUserMessage("count these four words").build()).inputTokens();
      assertThat(n).as("counted here with o200k_base").isPositive();
    }
  }

  @Test
  void errorsAreInAnthropicsShapeAndOverloadFallsBack() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      HttpResponse<String> r = g.h.post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\","
          + "\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode err = Json.MAPPER.readTree(r.body());
      assertThat(err.path("type").asText()).isEqualTo("error");
      assertThat(err.path("error").path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(err.path("error").path("message").asText()).contains("max_tokens");
      assertThat(claude.seen).as("refused before any upstream").isEmpty();

      AnthropicClient wrongKey = AnthropicOkHttpClient.builder().baseUrl(g.h.baseUrl()).apiKey("sk-nope").maxRetries(0)
          .build();
      assertThatThrownBy(() -> wrongKey.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5")
          .maxTokens(10).addUserMessage("hi").build())).isInstanceOf(UnauthorizedException.class);

      // an overloaded Claude: the route's next target (an OpenAI upstream, through chat) serves
      claude.inject(new Fault.Status(529, "overloaded_error", MultiMap.caseInsensitiveMultiMap()));
      Message m = anthropic(g).messages().create(MessageCreateParams.builder().model("sonnet").maxTokens(50)
          .addUserMessage("fall back").build());
      assertThat(text(m)).isEqualTo("echo: fall back");

      // mid-stream: Anthropic's error event, in Anthropic's shape
      claude.inject(new Fault.ErrorMidStream());
      HttpResponse<String> s = g.h.post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":50,"
          + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}", "anthropic-version", "2023-06-01");
      String[] frames = s.body().split("\n\n");
      String last = frames[frames.length - 1];
      assertThat(last).startsWith("event: error\ndata: ");
      assertThat(Json.MAPPER.readTree(last.substring(last.indexOf("data: ") + 6)).path("error").path("type").asText())
          .isEqualTo("overloaded_error");
    }
  }

  @Test
  void aBodyClaudeCutOffIsTheUpstreamsErrorAndFallsBack() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"cut off\"}]}";
      // the route's only target: the client gets the upstream's error, in OpenAI's envelope
      claude.inject(new Fault.CutOffBody());
      HttpResponse<String> r = g.h.post("/v1/chat/completions", chat.formatted("claude-sonnet-4-5"));
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(Json.MAPPER.readTree(r.body()).path("error").path("message").asText())
          .isEqualTo("upstream 'claude' returned an unreadable body");
      // a route with another target: it serves
      claude.inject(new Fault.CutOffBody());
      HttpResponse<String> f = g.h.post("/v1/chat/completions", chat.formatted("sonnet"));
      assertThat(f.statusCode()).as(f.body()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(f.body()).path("choices").path(0).path("message").path("content").asText())
          .isEqualTo("echo: cut off");
      assertThat(f.headers().firstValue("x-sluice-upstream")).hasValue("gpt");
    }
  }

  @Test
  void toolsRoundTripFromAnOpenAiClientToClaude() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder()
          .function(FunctionDefinition.builder().name("weather").parameters(FunctionParameters.builder()
              .putAdditionalProperty("type", com.openai.core.JsonValue.from("object")).build()).build()).build();
      ChatCompletion first = openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("claude-sonnet-4-5").addUserMessage("use tools please").addTool(weather).build());
      var call = first.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
      assertThat(call.function().name()).isEqualTo("weather");
      assertThat(Json.MAPPER.readTree(call.function().arguments()).path("city").asText()).isEqualTo("Paris");
      assertThat(first.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");

      ChatCompletion second = openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("claude-sonnet-4-5").addUserMessage("use tools please").addTool(weather)
          .addMessage(first.choices().getFirst().message())
          .addMessage(ChatCompletionToolMessageParam.builder()
              .toolCallId(call.id()).content("sunny, 21C").build())
          .build());
      assertThat(second.choices().getFirst().message().content()).hasValue("tool said: sunny, 21C");
      JsonNode sent = claude.last().json().path("messages");
      assertThat(sent.get(sent.size() - 1).path("content").get(0).path("type").asText()).isEqualTo("tool_result");
    }
  }

  @Test
  void reasoningEffortBecomesThinkingAndTheReasoningComesBackSigned() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      HttpResponse<String> r = g.h.post("/v1/chat/completions", """
          {"model":"claude-sonnet-4-5","reasoning_effort":"low","max_tokens":2000,
           "messages":[{"role":"user","content":"think first"}]}""");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode thinking = claude.last().json().path("thinking");
      assertThat(thinking.path("type").asText()).isEqualTo("enabled");
      assertThat(thinking.path("budget_tokens").asInt()).isEqualTo(1024);
      JsonNode message = Json.MAPPER.readTree(r.body()).path("choices").get(0).path("message");
      assertThat(message.path("reasoning_content").asText()).isEqualTo("Let me think.");
      assertThat(message.path("reasoning_signature").asText()).contains("sig-claude-sonnet-4-5");

      // the signed thinking goes back to the model that made it on the next turn
      String next = """
          {"model":"claude-sonnet-4-5","reasoning_effort":"low","max_tokens":2000,
           "messages":[{"role":"user","content":"think first"},%s,{"role":"user","content":"and again"}]}"""
          .formatted(Json.write(message));
      assertThat(g.h.post("/v1/chat/completions", next).statusCode()).isEqualTo(200);
      JsonNode replayed = claude.last().json().path("messages").get(1).path("content").get(0);
      assertThat(replayed.path("type").asText()).isEqualTo("thinking");
      assertThat(replayed.path("signature").asText()).isEqualTo("sig-claude-sonnet-4-5");
    }
  }

  @Test
  void theNewerInboundVersionWithASystemMessageInsideMessagesIsServed() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      HttpResponse<String> r = g.h.post("/v1/messages", """
          {"model":"gpt-4o","max_tokens":50,"messages":[{"role":"system","content":"be brief"},
           {"role":"user","content":"hello there"}]}""", "anthropic-version", "2026-10-21");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode m = Json.MAPPER.readTree(r.body());
      assertThat(m.path("type").asText()).isEqualTo("message");
      assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("echo: hello there");
      JsonNode sent = g.h.fake.last().json().path("messages");
      assertThat(sent.get(0).path("role").asText()).isEqualTo("system");
      assertThat(sent.get(0).path("content").asText()).isEqualTo("be brief");
    }
  }

  @Test
  void anthropicClientsSeeAnthropicModelLists() throws Exception {
    try (E2e.Gateway g = gateway("2023-06-01")) {
      HttpResponse<String> r = g.h.get("/v1/models", "anthropic-version", "2023-06-01");
      JsonNode list = Json.MAPPER.readTree(r.body());
      assertThat(list.path("data").get(0).path("type").asText()).isEqualTo("model");
      assertThat(list.has("has_more")).isTrue();
      HttpResponse<String> o = g.h.get("/v1/models");
      assertThat(Json.MAPPER.readTree(o.body()).path("object").asText()).isEqualTo("list");
    }
  }
}
