package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.FinishReason;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.ListModelsResponse;
import com.google.genai.types.Model;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What the google-genai Java SDK reads from the translators' output, parsed with its own types
 * ({@code GenerateContentResponse.fromJson}, ...): {@code text()}, {@code functionCalls()}, the finish
 * reason and usage equal what the chat answer said, worked out by the test from the chat input, not
 * from the translator. For streams, the SDK's view of every response, added up, is the chat stream's
 * content, calls, first finish reason and last usage.
 */
class GeminiSdkReadsTest {

  @TestFactory
  Stream<DynamicTest> responses() {
    return Golden.cases("gemini-inbound/response", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> response(p)));
  }

  private static void response(Path p) {
    JsonNode doc = Golden.read(p);
    JsonNode chat = doc.get("chat");
    JsonNode choice = chat.path("choices").path(0);
    GenerateContentResponse sdk = GenerateContentResponse.fromJson(Json.write(
        ChatToGenerateContentResponse.translate((ObjectNode) chat, doc.get("model").asText(), true)));
    String expectedFinish = switch (choice.path("finish_reason").asText()) {
      case "stop", "tool_calls" -> "STOP";
      case "length" -> "MAX_TOKENS";
      case "content_filter" -> "SAFETY";
      default -> "OTHER";
    };
    assertThat(sdk.candidates().orElseThrow().get(0).finishReason().orElseThrow().toString()).isEqualTo(expectedFinish);
    usage(sdk.usageMetadata().orElseThrow(), chat.path("usage"));
    if (!expectedFinish.equals("STOP") && !expectedFinish.equals("MAX_TOKENS")) {
      return; // text() refuses to read an answer that finished unexpectedly, as it should
    }
    JsonNode message = choice.path("message");
    String content = message.path("content").asText("") + message.path("refusal").asText("");
    assertThat(sdk.text()).isEqualTo(content);
    List<String> calls = new ArrayList<>();
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode args = GeminiParts.args(call.path("function").path("arguments").asText());
      calls.add(call.path("id").asText() + " " + call.path("function").path("name").asText() + " " + args);
    }
    assertThat(sdk.functionCalls()).extracting(GeminiSdkReadsTest::describe).containsExactlyElementsOf(calls);
  }

  @TestFactory
  Stream<DynamicTest> streams() {
    return StreamCase.each(GeminiSdkReadsTest::stream);
  }

  private static void stream(StreamCase c) {
    StringBuilder text = new StringBuilder();
    List<String> calls = new ArrayList<>();
    FinishReason finish = null;
    GenerateContentResponseUsageMetadata usage = null;
    for (ObjectNode r : c.responses()) {
      GenerateContentResponse sdk = GenerateContentResponse.fromJson(Json.write(r));
      String t = sdk.text();
      text.append(t == null ? "" : t);
      List<FunctionCall> fc = sdk.functionCalls();
      if (fc != null) {
        fc.forEach(f -> calls.add(describe(f)));
      }
      if (sdk.candidates().orElseThrow().get(0).finishReason().isPresent()) {
        assertThat(finish).as("one finish").isNull();
        finish = sdk.candidates().get().get(0).finishReason().get();
      }
      if (sdk.usageMetadata().isPresent()) {
        usage = sdk.usageMetadata().get();
      }
    }
    StringBuilder content = new StringBuilder();
    Map<Integer, String[]> byIndex = new TreeMap<>();
    String chatFinish = null;
    JsonNode chatUsage = Json.object().put("prompt_tokens", c.doc().get("prompt_estimate").asLong())
        .put("total_tokens", c.doc().get("prompt_estimate").asLong());
    for (JsonNode chunk : c.doc().path("chunks")) {
      if (chunk.hasNonNull("usage")) {
        chatUsage = chunk.get("usage");
      }
      JsonNode choice = chunk.path("choices").path(0);
      content.append(choice.path("delta").path("content").asText("")).append(choice.path("delta").path("refusal").asText(""));
      for (JsonNode call : choice.path("delta").path("tool_calls")) {
        int index = call.path("index").asInt();
        String[] acc = byIndex.computeIfAbsent(index, k -> new String[] {"call_" + c.doc().get("response_id").asText()
            + "_" + k, "", ""});
        if (call.hasNonNull("id")) {
          acc[0] = call.get("id").asText();
        }
        acc[1] = acc[1].isEmpty() ? call.path("function").path("name").asText("") : acc[1];
        acc[2] += call.path("function").path("arguments").asText("");
      }
      if (chatFinish == null && choice.hasNonNull("finish_reason")) {
        chatFinish = choice.get("finish_reason").asText();
      }
    }
    assertThat(text.toString()).isEqualTo(content.toString());
    assertThat(calls).containsExactlyElementsOf(byIndex.values().stream()
        .map(a -> a[0] + " " + a[1] + " " + GeminiParts.args(a[2])).toList());
    assertThat(finish).isNotNull();
    assertThat(finish.toString()).isEqualTo("length".equals(chatFinish) ? "MAX_TOKENS" : "STOP");
    assertThat(usage).isNotNull();
    usage(usage, chatUsage);
  }

  private static void usage(GenerateContentResponseUsageMetadata u, JsonNode chat) {
    long reasoning = chat.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
    long cached = chat.path("prompt_tokens_details").path("cached_tokens").asLong(0);
    assertThat(u.promptTokenCount().orElse(0)).isEqualTo(chat.path("prompt_tokens").asInt(0));
    assertThat(u.candidatesTokenCount().orElse(0)).isEqualTo(chat.path("completion_tokens").asInt(0) - reasoning);
    assertThat(u.thoughtsTokenCount().orElse(0)).isEqualTo(reasoning);
    assertThat(u.cachedContentTokenCount().orElse(0)).isEqualTo(cached);
    assertThat(u.totalTokenCount().orElse(0)).isEqualTo(chat.path("total_tokens").asInt(0));
  }

  private static String describe(FunctionCall f) {
    return f.id().orElse("") + " " + f.name().orElse("") + " " + Json.MAPPER.valueToTree(f.args().orElse(Map.of()));
  }

  @Test
  void modelsAndCountsAreWhatTheSdkReads() throws Exception {
    List<ObjectNode> models = List.of(
        (ObjectNode) Json.parse("{\"id\":\"gemini-2.5-pro\",\"object\":\"model\",\"created\":1,\"owned_by\":\"google\"}"),
        (ObjectNode) Json.parse("{\"id\":\"gpt-5\",\"object\":\"model\",\"created\":2,\"owned_by\":\"openai\"}"));
    ListModelsResponse list = ListModelsResponse.fromJson(Json.write(GeminiModels.list(models, 1, null)));
    assertThat(list.models().orElseThrow()).extracting(m -> m.name().orElse("")).containsExactly("models/gemini-2.5-pro");
    assertThat(list.nextPageToken()).isPresent();
    ListModelsResponse next = ListModelsResponse.fromJson(Json.write(GeminiModels.list(models, 1,
        list.nextPageToken().get())));
    Model gpt = next.models().orElseThrow().get(0);
    assertThat(gpt.name()).contains("models/gpt-5");
    assertThat(gpt.displayName()).contains("gpt-5");
    assertThat(gpt.inputTokenLimit()).contains(128_000);
    assertThat(gpt.outputTokenLimit()).contains(16_384);
    assertThat(next.nextPageToken()).isEmpty();
    assertThat(Model.fromJson(Json.write(GeminiModels.model(models.get(0)))).inputTokenLimit()).contains(1_048_576);

    ObjectNode request = (ObjectNode) Json.parse("{\"contents\":[{\"parts\":[{\"text\":\"hello world\"}]}]}");
    CountTokensResponse count = CountTokensResponse.fromJson(Json.write(GeminiCountTokens.count(request)));
    assertThat(count.totalTokens()).contains(2);
  }

  @Test
  void errorsAreWhatTheSdkReads() {
    List<ApiError> errors = List.of(ApiError.invalidParam("contents", "contents must be a non-empty array"),
        ApiError.invalidApiKey(), ApiError.modelNotAllowed("gemini-x"),
        ApiError.of(429, ApiError.RATE_LIMIT, "slow down", "rate_limit_exceeded").withHeader("Retry-After", "7"),
        ApiError.upstreamTimeout(), ApiError.shuttingDown());
    for (ApiError e : errors) {
      String body = Json.write(GeminiErrorBody.of(e));
      // a JSON-array stream's error element, as the SDK reads it mid-stream
      ApiException fromStream = thrown(() -> ApiException.throwFromErrorNode(
          Json.MAPPER.createArrayNode().add(GeminiErrorBody.of(e)),
          e.status()));
      assertThat(fromStream).isInstanceOf(e.status() < 500 ? ClientException.class : ServerException.class);
      assertThat(fromStream.code()).isEqualTo(e.status());
      assertThat(fromStream.status()).isEqualTo(GeminiErrorBody.status(e));
      assertThat(fromStream.message()).contains(e.message());
      // a JSON error answer
      Response response = new Response.Builder().request(new Request.Builder().url("http://127.0.0.1/v1beta").build())
          .protocol(Protocol.HTTP_1_1).code(e.status()).message(GeminiErrorBody.status(e))
          .body(ResponseBody.create(body, MediaType.get("application/json"))).build();
      ApiException fromBody = thrown(() -> ApiException.throwFromResponse(response));
      assertThat(fromBody.code()).isEqualTo(e.status());
      assertThat(fromBody.message()).contains(e.message());
    }
  }

  private static ApiException thrown(Runnable r) {
    try {
      r.run();
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("the SDK read no error");
  }
}
