package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.fake.FakeCodexBackend;
import dev.sluice.fake.FakeCodexBackend.Failure;
import dev.sluice.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI SDK and raw HTTP through Sluice in codex_oauth mode, against the fake Codex backend. */
class CodexEndToEndTest {
  static final String ACCOUNT = "acct-solo";
  static CodexHarness h;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    h = new CodexHarness(ACCOUNT);
    client = sdk(h);
  }

  static OpenAIClient sdk(CodexHarness harness) {
    return OpenAIOkHttpClient.builder().baseUrl(harness.baseUrl() + "/v1").apiKey(CodexHarness.KEY).maxRetries(0)
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    h.close();
  }

  static ChatCompletionCreateParams.Builder chat(String text) {
    return ChatCompletionCreateParams.builder().model("gpt-5.3-codex").addUserMessage(text);
  }

  @Test
  void chatCompletionFollowsTheBackendContract() {
    ChatCompletion c = client.chat().completions().create(chat("hello there").maxCompletionTokens(100)
        .temperature(0.2).build());
    assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().get().promptTokens()).isEqualTo(20);
    assertThat(c.usage().get().promptTokensDetails().get().cachedTokens()).hasValue(8L);
    assertThat(c.usage().get().completionTokensDetails().get().reasoningTokens()).hasValue(5L);

    FakeCodexBackend.Seen seen = h.backend.last();
    assertThat(seen.status()).isEqualTo(200);
    assertThat(seen.accountId()).isEqualTo(ACCOUNT);
    assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer " + h.stored(ACCOUNT).tokens().accessToken());
    assertThat(seen.headers().get("chatgpt-account-id")).isEqualTo(ACCOUNT);
    assertThat(seen.headers().get("originator")).isEqualTo("codex_cli_rs");
    assertThat(seen.headers().get("OpenAI-Beta")).isEqualTo("responses=experimental");
    assertThat(seen.headers().get("Accept")).isEqualTo("text/event-stream");
    assertThat(seen.headers().get("session_id")).isNotBlank();
    assertThat(seen.body().path("stream").asBoolean()).isTrue();
    assertThat(seen.body().path("store").asBoolean(true)).isFalse();
    assertThat(seen.body().path("instructions").asText()).isEqualTo(CodexRequestRules.DEFAULT_INSTRUCTIONS);
    assertThat(seen.body().has("max_output_tokens")).isFalse();
    assertThat(seen.body().has("temperature")).isFalse();
  }

  @Test
  void systemMessageBecomesInstructionsAndSessionIsStable() {
    client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-5.3-codex")
        .addSystemMessage("Be terse.").addUserMessage("first question").build());
    FakeCodexBackend.Seen first = h.backend.last();
    client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-5.3-codex")
        .addSystemMessage("Be terse.").addUserMessage("first question").addAssistantMessage("echo: first question")
        .addUserMessage("second").build());
    FakeCodexBackend.Seen second = h.backend.last();
    assertThat(first.body().path("instructions").asText()).isEqualTo("Be terse.");
    assertThat(second.headers().get("session_id")).isEqualTo(first.headers().get("session_id"));
  }

  @Test
  void chatStreamWithoutAndWithUsage() {
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("one two three")
        .build())) {
      List<ChatCompletionChunk> chunks = s.stream().toList();
      String text = chunks.stream().flatMap(c -> c.choices().stream())
          .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
      assertThat(text).isEqualTo("echo: one two three");
      assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
          .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
      assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    }
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("four five")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      List<ChatCompletionChunk> chunks = s.stream().toList();
      ChatCompletionChunk last = chunks.get(chunks.size() - 1);
      assertThat(last.choices()).isEmpty();
      assertThat(last.usage().get().promptTokens()).isEqualTo(20);
      assertThat(last.usage().get().totalTokens()).isEqualTo(20 + last.usage().get().completionTokens());
    }
  }

  @Test
  void severalToolCallsInOneStream() {
    ChatCompletionCreateParams.Builder p = chat("please use tools");
    for (String name : List.of("get_weather", "get_time", "get_news")) {
      p.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
          .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
          .build()).build());
    }
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p.build())) {
      s.stream().forEach(acc::accumulate);
    }
    ChatCompletion c = acc.chatCompletion();
    List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
    assertThat(calls).hasSize(3);
    for (int i = 0; i < 3; i++) {
      var f = calls.get(i).asFunction();
      assertThat(f.id()).endsWith("_" + i).startsWith("call_");
      assertThat(f.function().name()).isEqualTo(List.of("get_weather", "get_time", "get_news").get(i));
      assertThat(f.function().arguments()).isEqualTo("{\"city\":\"Paris\",\"n\":" + i + "}");
    }
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(h.backend.last().body().path("tools")).hasSize(3);
  }

  @Test
  void failureBeforeTheFirstByteIsAnHttpError() throws Exception {
    h.backend.failNext(Failure.BEFORE_OUTPUT);
    HttpResponse<String> r = h.post("/v1/chat/completions",
        "{\"model\":\"gpt-5.3-codex\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode err = Json.parse(r.body()).path("error");
    assertThat(err.path("code").asText()).isEqualTo("server_error");
    assertThat(err.path("message").asText()).contains("failed to generate");

    h.backend.failNext(Failure.BEFORE_OUTPUT);
    HttpResponse<String> plain = h.post("/v1/chat/completions",
        "{\"model\":\"gpt-5.3-codex\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(plain.statusCode()).isEqualTo(502);
  }

  @Test
  void failureAfterTheFirstByteIsAnSseError() throws Exception {
    h.backend.failNext(Failure.AFTER_TEXT);
    HttpResponse<String> r = h.post("/v1/chat/completions",
        "{\"model\":\"gpt-5.3-codex\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c d\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertThat(data.get(0)).contains("\"role\":\"assistant\"").contains("echo: ");
    assertThat(data.get(data.size() - 1)).startsWith("{\"error\":").contains("server_error");
    assertThat(data).doesNotContain("[DONE]");
  }

  @Test
  void responsesNonStreamIsNormalizedAndAssembled() throws Exception {
    Response r = client.responses().create(ResponseCreateParams.builder().model("gpt-5.3-codex").input("ping")
        .instructions("  ").maxOutputTokens(50).build());
    assertThat(r.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("echo: ping");
    assertThat(r.usage().get().inputTokensDetails().cachedTokens()).isEqualTo(8);
    JsonNode body = h.backend.last().body();
    assertThat(body.path("instructions").asText()).isEqualTo("You are a helpful assistant.");
    assertThat(body.has("max_output_tokens")).isFalse();
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("store").asBoolean(true)).isFalse();

    HttpResponse<String> raw = h.post("/v1/responses",
        "{\"model\":\"gpt-5.3-codex\",\"input\":\"pong\",\"max_completion_tokens\":9}");
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    assertThat(Json.parse(raw.body()).path("status").asText()).isEqualTo("completed");
    assertThat(h.backend.last().body().has("max_completion_tokens")).isFalse();
  }

  @Test
  void responsesWithAStringInputAreAnswered() throws Exception {
    String[] bodies = {"{\"model\":\"gpt-5.3-codex\",\"input\":\"hello\"}",
        "{\"model\":\"gpt-5.3-codex\",\"input\":\"hello\",\"stream\":true}"};
    for (String body : bodies) {
      HttpResponse<String> r = h.post("/v1/responses", body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("echo: hello");
      JsonNode input = h.backend.last().body().path("input");
      assertThat(input.path(0).path("role").asText()).isEqualTo("user");
      assertThat(input.path(0).path("content").path(0).path("text").asText()).isEqualTo("hello");
    }
  }

  @Test
  void responsesStreamPassesEventsAndCodexClientFieldsThrough() throws Exception {
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(
        ResponseCreateParams.builder().model("gpt-5.3-codex").input("ping pong").build())) {
      List<ResponseStreamEvent> events = s.stream().toList();
      assertThat(events).extracting(PublicResponseEventsTest::variant).doesNotContain("unknown");
      String text = events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
          .map(e -> e.asOutputTextDelta().delta()).collect(Collectors.joining());
      assertThat(text).isEqualTo("echo: ping pong");
      assertThat(events.get(0).isCreated()).isTrue();
      assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    }
    String body = """
        {"model":"gpt-5.3-codex","stream":true,"input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"sys"}]},
         {"type":"message","role":"user","content":[{"type":"input_text","text":"codex cli"}]}],
         "client_metadata":{"x-codex-installation-id":"abc"},"include":["reasoning.encrypted_content"],
         "prompt_cache_key":"thread-1",
         "tools":[{"type":"custom","name":"apply_patch","description":"patch","format":{"type":"grammar","syntax":"lark","definition":"start: x"}},
                  {"type":"namespace","name":"mcp","description":"tools","tools":[]}]}
        """;
    HttpResponse<String> r = h.post("/v1/responses", body, "session-id", "sess-123", "thread-id", "thread-1",
        "x-codex-turn-metadata", "{\"turn\":1}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("event: response.created").contains("event: response.completed")
        .doesNotContain("codex.rate_limits").doesNotContain("plan_type");
    FakeCodexBackend.Seen seen = h.backend.last();
    JsonNode sent = Json.parse(body);
    assertThat(seen.headers().get("session_id")).isEqualTo("sess-123");
    assertThat(seen.headers().get("thread-id")).isEqualTo("thread-1");
    assertThat(seen.headers().get("x-codex-turn-metadata")).isEqualTo("{\"turn\":1}");
    assertThat(seen.body().get("client_metadata")).isEqualTo(sent.get("client_metadata"));
    assertThat(seen.body().get("include")).isEqualTo(sent.get("include"));
    assertThat(seen.body().get("tools")).isEqualTo(sent.get("tools"));
    assertThat(seen.body().get("input")).isEqualTo(sent.get("input"));
    assertThat(seen.body().path("prompt_cache_key").asText()).isEqualTo("thread-1");
  }

  @Test
  void modelsComeFromTheBackendAndAreCached() {
    int before = h.backend.modelCalls();
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertThat(ids).contains("gpt-5.3-codex", "gpt-fake-only").doesNotContain("gpt-hidden");
    client.models().list();
    assertThat(h.backend.modelCalls() - before).isLessThanOrEqualTo(1);
  }

  @Test
  void endpointsTheBackendDoesNotOfferAreRefused() throws Exception {
    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("x").build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("codex, which does not serve /v1/embeddings");
    HttpResponse<String> r = h.post("/v1/images/generations", "{\"model\":\"gpt-image-1\",\"prompt\":\"cat\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("does not serve /v1/images/generations");
  }

  @Test
  void rejectedAccessTokenIsRefreshedAndTheRequestRetriedOnce() throws Exception {
    String current = h.stored(ACCOUNT).tokens().accessToken();
    int refreshes = h.issuer.refreshCount();
    int seenBefore = h.backend.requests().size();
    h.backend.rejectToken(current);
    ChatCompletion c = client.chat().completions().create(chat("after revoke").build());
    assertThat(c.choices().get(0).message().content()).hasValue("echo: after revoke");
    assertThat(h.issuer.refreshCount()).isEqualTo(refreshes + 1);
    List<Integer> statuses = h.backend.requests().subList(seenBefore, h.backend.requests().size()).stream()
        .map(FakeCodexBackend.Seen::status).toList();
    assertThat(statuses).containsExactly(401, 200);
    assertThat(h.stored(ACCOUNT).tokens().accessToken()).isNotEqualTo(current);
  }

}
