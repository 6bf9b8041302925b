package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeGemini;
import dev.sluice.fake.FakeGemini.Fault;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini models behind OpenAI clients, through the official openai-java SDK against the gateway with
 * the fake Gemini API as upstream: chat JSON and streams, responses, a two-step tool call on a Gemini 3
 * model whose signatures the fake enforces, usage records, fallback on Gemini's 429 and 503, and
 * Gemini's 400 message reaching the client as an OpenAI error.
 */
class GeminiUpstreamHttpTest {
  Vertx vertx;
  FakeGemini gemini;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    gemini = FakeGemini.start(vertx);
  }

  @AfterEach
  void stop() {
    gemini.close();
    vertx.close().await();
  }

  E2e.Gateway gateway() {
    return new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeOpenAi -> """
        upstreams:
          gemini: { type: gemini, base_url: "%s", api_key: "%s", timeout_seconds: 2 }
          gpt: { type: openai, base_url: "%s", api_key: "%s" }
        models:
          - { name: "gemini-*", targets: [gemini] }
          - { name: "flash", targets: ["gemini:gemini-2.5-flash", gpt] }
          - { name: "*", targets: [gpt] }
        """.formatted(gemini.baseUrl(), FakeGemini.KEY, fakeOpenAi, GatewayHarness.UPSTREAM_KEY));
  }

  static OpenAIClient openai(E2e.Gateway g) {
    return OpenAIOkHttpClient.builder().baseUrl(g.h.baseUrl() + "/v1").apiKey(GatewayHarness.KEY).maxRetries(0).build();
  }

  static ChatCompletionFunctionTool weather() {
    // the SDK's usual strict schema: additionalProperties is one of the keywords Gemini's `parameters` refuses
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("weather")
        .description("Current weather in a city").parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("city")))
            .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build()).build()).build();
  }

  @Test
  void chatJsonAndStreamsReachGeminiWithItsUsage() throws Exception {
    try (E2e.Gateway g = gateway()) {
      ChatCompletion c = openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gemini-2.5-flash").addSystemMessage("be brief").addUserMessage("hello there").temperature(0.5)
          .maxCompletionTokens(100).build());
      assertThat(c.choices().getFirst().message().content()).hasValue("echo: hello there");
      assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
      assertThat(c.model()).isEqualTo("gemini-2.5-flash");
      assertThat(c.usage()).hasValueSatisfying(u -> {
        assertThat(u.promptTokens()).isEqualTo(10);
        assertThat(u.completionTokens()).isEqualTo(5);
        assertThat(u.promptTokensDetails().flatMap(d -> d.cachedTokens())).hasValue(4L);
      });
      FakeGemini.Seen sent = gemini.last();
      assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
      assertThat(sent.headers().get("x-goog-api-key")).isEqualTo(FakeGemini.KEY);
      assertThat(sent.query()).isNull();
      assertThat(sent.json().path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("be brief");
      assertThat(sent.json().path("generationConfig").path("temperature").asDouble()).isEqualTo(0.5);
      assertThat(sent.json().path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(100);

      try (var s = openai(g).chat().completions().createStreaming(ChatCompletionCreateParams.builder()
          .model("gemini-2.5-flash").addUserMessage("one two three")
          .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
        List<ChatCompletionChunk> chunks = s.stream().toList();
        String text = chunks.stream().flatMap(ch -> ch.choices().stream())
            .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("echo: one two three");
        assertThat(chunks.stream().flatMap(ch -> ch.choices().stream()).filter(ch -> ch.finishReason().isPresent())
            .map(ch -> ch.finishReason().get().asString()).toList()).containsExactly("stop");
        assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(5));
      }
      assertThat(gemini.last().rpc()).isEqualTo("streamGenerateContent");
      assertThat(gemini.last().query()).isEqualTo("alt=sse");

      g.stopSluice();
      assertThat(g.usageRows()).hasSize(2).allSatisfy(r -> {
        assertThat(r.get("upstream")).isEqualTo("gemini");
        assertThat(r.get("prompt_tokens")).isEqualTo(10L);
        assertThat(r.get("completion_tokens")).isEqualTo(5L);
      });
    }
  }

  @Test
  void responsesClientsReachGeminiThroughChat() throws Exception {
    try (E2e.Gateway g = gateway()) {
      Response r = openai(g).responses().create(ResponseCreateParams.builder().model("gemini-2.5-flash")
          .instructions("be brief").input("hello responses").build());
      assertThat(r.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("echo: hello responses");
      assertThat(r.usage()).hasValueSatisfying(u -> assertThat(u.inputTokens()).isEqualTo(10));
      assertThat(gemini.last().json().path("systemInstruction").toString()).contains("be brief");

      try (var s = openai(g).responses().createStreaming(ResponseCreateParams.builder().model("gemini-2.5-flash")
          .input("streamed words").build())) {
        String text = s.stream().filter(e -> e.isOutputTextDelta()).map(e -> e.asOutputTextDelta().delta())
            .collect(Collectors.joining());
        assertThat(text).isEqualTo("echo: streamed words");
      }
      assertThat(gemini.last().rpc()).isEqualTo("streamGenerateContent");
    }
  }

  @Test
  void aTwoStepToolCallOnGemini3KeepsItsSignaturesThroughAChatClient() throws Exception {
    try (E2e.Gateway g = gateway()) {
      OpenAIClient client = openai(g);
      ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gemini-3-pro-preview")
          .addUserMessage("use tools please").addTool(weather()).build();
      ChatCompletion step1 = client.chat().completions().create(first);
      ChatCompletionMessage call1 = step1.choices().getFirst().message();
      var fn = call1.toolCalls().orElseThrow().getFirst().asFunction();
      assertThat(fn.function().name()).isEqualTo("weather");
      assertThat(Json.MAPPER.readTree(fn.function().arguments()).path("city").asText()).isEqualTo("Paris");
      assertThat(step1.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
      JsonNode declared = gemini.last().json().path("tools").get(0).path("functionDeclarations").get(0);
      assertThat(declared.has("parametersJsonSchema")).as("a schema `parameters` would refuse").isTrue();

      // the next step, streamed: the client echoes the message and answers the call
      ChatCompletionCreateParams second = first.toBuilder().addMessage(call1)
          .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(fn.id()).content("sunny, 21C").build())
          .addUserMessage("and now use tools again").build();
      ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
      try (var s = client.chat().completions().createStreaming(second)) {
        s.stream().forEach(acc::accumulate);
      }
      ChatCompletionMessage call2 = acc.chatCompletion().choices().getFirst().message();
      var fn2 = call2.toolCalls().orElseThrow().getFirst().asFunction();
      JsonNode sent = gemini.last().json().path("contents");
      JsonNode modelTurn = sent.get(1);
      assertThat(modelTurn.path("role").asText()).isEqualTo("model");
      assertThat(modelTurn.path("parts").get(0).path("thoughtSignature").asText())
          .as("the fake's signature, restored from the id").isNotEmpty().isNotEqualTo("skip_thought_signature_validator");
      JsonNode response = sent.get(2).path("parts").get(0).path("functionResponse");
      assertThat(response.path("name").asText()).isEqualTo("weather");
      assertThat(response.path("id").asText()).isEqualTo(modelTurn.path("parts").get(0).path("functionCall").path("id").asText());
      assertThat(response.path("response").path("output").asText()).isEqualTo("sunny, 21C");

      // the last step: both earlier calls go back signed, or the fake refuses as Gemini 3 does
      ChatCompletion step3 = client.chat().completions().create(second.toBuilder().addMessage(call2)
          .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(fn2.id()).content("cloudy").build()).build());
      assertThat(step3.choices().getFirst().message().content()).hasValue("tool said: cloudy");

      // a client that rewrote the id loses the signature: the fake refuses, as Gemini 3 does, in OpenAI's shape
      ChatCompletionMessage rewritten = call1.toBuilder().toolCalls(List.of(
          ChatCompletionMessageToolCall.ofFunction(fn.toBuilder().id("call_rewritten").build()))).build();
      assertThatThrownBy(() -> client.chat().completions().create(first.toBuilder().addMessage(rewritten)
          .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_rewritten").content("x").build()).build()))
          .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("thought signature"));
    }
  }

  @Test
  void geminisRateLimitAndOverloadFallBackAndItsRefusalsReachTheClient() throws Exception {
    try (E2e.Gateway g = gateway()) {
      // an overloaded Gemini: the route's next target serves (a fresh gateway: no cooldown yet)
      gemini.inject(Fault.Status.unavailable());
      HttpResponse<String> s = g.h.post("/v1/chat/completions",
          "{\"model\":\"flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"overloaded\"}]}");
      assertThat(s.statusCode()).isEqualTo(200);
      assertThat(s.headers().firstValue("x-sluice-upstream")).hasValue("gpt");

      gemini.inject(new Fault.Status(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", null));
      assertThatThrownBy(() -> openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gemini-2.5-flash").addUserMessage("x").build()))
          .isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.getMessage()).contains("Request contains an invalid argument.");
            assertThat(e.body().toString()).contains("invalid_request_error");
          });
      assertThatThrownBy(() -> openai(g).chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gemini-2.5-flash").addUserMessage("x").addTool(weather())
          .responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build()).build()))
          .as("refused here, naming the field, before any upstream")
          .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.body().toString())
              .contains("param=response_format"));

      // a rate-limited Gemini: the next target serves
      int tried = gemini.count("generateContent");
      gemini.inject(Fault.Status.rateLimited("2s"));
      HttpResponse<String> r = g.h.post("/v1/chat/completions",
          "{\"model\":\"flash\",\"messages\":[{\"role\":\"user\",\"content\":\"fall back\"}]}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-sluice-upstream")).hasValue("gpt");
      assertThat(Json.MAPPER.readTree(r.body()).path("choices").get(0).path("message").path("content").asText())
          .isEqualTo("echo: fall back");
      assertThat(gemini.count("generateContent")).as("Gemini was asked first").isEqualTo(tried + 1);

      // a Gemini that never answers: given up on after its timeout (2 s here)
      gemini.inject(new Fault.Stall());
      HttpResponse<String> stalled = g.h.post("/v1/chat/completions",
          "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"stall\"}]}");
      assertThat(stalled.statusCode()).as("the only target timed out").isEqualTo(504);

      // Gemini 429 with nowhere else to go: the client's 429 with Gemini's delay
      gemini.inject(Fault.Status.rateLimited("3s"));
      HttpResponse<String> limited = g.h.post("/v1/chat/completions",
          "{\"model\":\"gemini-2.5-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("retry-after")).hasValue("3");
      assertThat(Json.MAPPER.readTree(limited.body()).path("error").path("message").asText()).contains("quota");
    }
  }

  @Test
  void anthropicClientsReachGeminiThroughChatToo() throws Exception {
    try (E2e.Gateway g = gateway()) {
      Message m = AnthropicHttpTest.anthropic(g).messages().create(MessageCreateParams.builder()
          .model("gemini-2.5-flash").maxTokens(100).system("be brief").addUserMessage("hello from claude code").build());
      assertThat(AnthropicHttpTest.text(m)).isEqualTo("echo: hello from claude code");
      assertThat(gemini.last().json().path("systemInstruction").toString()).contains("be brief");
      assertThat(gemini.last().json().path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(100);
    }
  }

  @Test
  void reasoningEffortBecomesThinkingAndModelsAreListed() throws Exception {
    try (E2e.Gateway g = gateway()) {
      HttpResponse<String> r = g.h.post("/v1/chat/completions", """
          {"model":"gemini-3-flash-preview","reasoning_effort":"medium",
           "messages":[{"role":"user","content":"think first"}]}""");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode thinking = gemini.last().json().path("generationConfig").path("thinkingConfig");
      assertThat(thinking.path("thinkingLevel").asText()).isEqualTo("MEDIUM");
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertThat(body.path("choices").get(0).path("message").path("reasoning_content").asText()).isEqualTo("Let me think.");
      assertThat(body.path("usage").path("completion_tokens").asInt()).as("candidates + thoughts").isEqualTo(8);
      assertThat(body.path("usage").path("completion_tokens_details").path("reasoning_tokens").asInt()).isEqualTo(3);

      JsonNode models = Json.MAPPER.readTree(g.h.get("/v1/models").body()).path("data");
      assertThat(models.findValuesAsText("id")).contains("gemini-2.5-flash", "gemini-3-pro-preview");
      for (JsonNode m : models) {
        if (m.path("id").asText().startsWith("gemini-2.5")) {
          assertThat(m.path("owned_by").asText()).isEqualTo("google");
        }
      }
    }
  }
}
