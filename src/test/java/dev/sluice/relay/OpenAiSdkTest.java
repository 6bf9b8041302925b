package dev.sluice.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.GatewayHarness;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK, pointed at Sluice by base URL and key only, for every endpoint. */
class OpenAiSdkTest {
  static GatewayHarness h;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
    client = sdk(h.baseUrl() + "/v1", GatewayHarness.KEY);
  }

  static OpenAIClient sdk(String baseUrl, String key) {
    return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(key).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    h.close();
  }

  @Test
  void chatCompletion() {
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(ChatModel.GPT_4O).addUserMessage("hello there").build());
    assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
    assertThat(c.usage().get().promptTokens()).isEqualTo(10);
    assertThat(h.fake.last().headers().get("Authorization")).isEqualTo("Bearer " + GatewayHarness.UPSTREAM_KEY);
  }

  @Test
  void chatCompletionStreamArrivesChunkByChunk() {
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O).addUserMessage("one two three").build())) {
      List<ChatCompletionChunk> chunks = s.stream().toList();
      String text = chunks.stream().flatMap(c -> c.choices().stream())
          .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
      assertThat(text).isEqualTo("echo: one two three");
      assertThat(chunks).hasSizeGreaterThan(4);
      assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
          .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
      // usage was requested upstream by the gateway but the client did not ask: no usage chunk
      assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    }
    assertThat(h.fake.last().json().path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void chatCompletionStreamWithUsage() {
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O).addUserMessage("a b")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      List<ChatCompletionChunk> chunks = s.stream().toList();
      ChatCompletionChunk last = chunks.get(chunks.size() - 1);
      assertThat(last.choices()).isEmpty();
      assertThat(last.usage().get().completionTokens()).isEqualTo(3);
    }
  }

  @Test
  void legacyCompletion() {
    Completion c = client.completions().create(CompletionCreateParams.builder()
        .model(CompletionCreateParams.Model.GPT_3_5_TURBO_INSTRUCT).prompt("say hi").build());
    assertThat(c.choices().get(0).text()).isEqualTo("echo: say hi");
  }

  @Test
  void legacyCompletionStream() {
    try (var s = client.completions().createStreaming(CompletionCreateParams.builder()
        .model(CompletionCreateParams.Model.GPT_3_5_TURBO_INSTRUCT).prompt("x y").build())) {
      String text = s.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.text()).collect(Collectors.joining());
      assertThat(text).isEqualTo("echo: x y");
    }
  }

  @Test
  void responses() {
    Response r = client.responses().create(ResponseCreateParams.builder().model(ChatModel.GPT_4O).input("ping").build());
    assertThat(r.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("echo: ping");
  }

  @Test
  void responsesStream() {
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(
        ResponseCreateParams.builder().model(ChatModel.GPT_4O).input("ping pong").build())) {
      List<ResponseStreamEvent> events = s.stream().toList();
      String text = events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
          .map(e -> e.asOutputTextDelta().delta()).collect(Collectors.joining());
      assertThat(text).isEqualTo("echo: ping pong");
      assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    }
  }

  @Test
  void embeddings() {
    CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hello").build());
    assertThat(e.data().get(0).embedding()).hasSize(4);
    assertThat(e.data().get(0).embedding().get(1)).isEqualTo(-0.2f);
  }

  @Test
  void images() {
    ImagesResponse r = client.images().generate(ImageGenerateParams.builder().prompt("a cat").n(2).build());
    assertThat(r.data().get()).hasSize(2);
    assertThat(r.data().get().get(0).url()).hasValueSatisfying(u -> assertThat(u).startsWith("https://"));
  }

  @Test
  void modelsCarryOwnerAndCategory() {
    List<Model> models = client.models().list().data();
    assertThat(models).extracting(Model::id).contains("gpt-4o", "text-embedding-3-small");
    Model emb = models.stream().filter(m -> m.id().equals("text-embedding-3-small")).findFirst().orElseThrow();
    assertThat(emb._additionalProperties().get("category").asString()).hasValue("embeddings");
    assertThat(emb.ownedBy()).isEqualTo("system");
  }

  @Test
  void sameApiUnderApiV1Prefix() {
    OpenAIClient alt = sdk(h.baseUrl() + "/api/v1", GatewayHarness.KEY);
    ChatCompletion c = alt.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(ChatModel.GPT_4O).addUserMessage("prefixed").build());
    assertThat(c.choices().get(0).message().content()).hasValue("echo: prefixed");
    alt.close();
  }

  @Test
  void wrongKeyIsUnauthorized() {
    OpenAIClient bad = sdk(h.baseUrl() + "/v1", "sk-wrong");
    assertThatThrownBy(() -> bad.models().list())
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("invalid api key");
    bad.close();
  }

  @Test
  void upstreamNotFoundIsRelayedAsItCame() {
    assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("missing-model").addUserMessage("x").build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("does not exist");
  }
}
