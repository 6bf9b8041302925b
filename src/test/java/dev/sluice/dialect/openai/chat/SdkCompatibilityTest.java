package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Feeds the golden streams' chunks to the official openai-java SDK (parse, validate, accumulate) and
 * compares with what the upstream events say (deltas, done events, final usage), independently of the
 * expected files. Also checks the non-streaming completion parses and agrees.
 */
class SdkCompatibilityTest {

  @TestFactory
  Stream<DynamicTest> sdkAccumulatesGoldenStreams() {
    return Golden.cases("streams", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> check(p)));
  }

  private static void check(Path p) throws Exception {
    JsonNode doc = Golden.read(p);
    var tr = new ResponsesToChatStream(doc.path("requested_model").asText(), doc.path("include_usage").asBoolean(),
        ResponsesToChatStreamGoldenTest.CLOCK, null);
    var completion = new ResponsesToChatCompletion(doc.path("requested_model").asText());
    var acc = ChatCompletionAccumulator.create();
    StringBuilder text = new StringBuilder();
    StringBuilder refusal = new StringBuilder();
    List<String[]> calls = new ArrayList<>();
    List<String> callIds = new ArrayList<>();
    JsonNode finalUsage = null;
    int usageChunks = 0;
    for (JsonNode step : doc.path("steps")) {
      JsonNode event = step.get("event");
      String type = event.path("type").asText();
      switch (type) {
        case "response.output_text.delta" -> text.append(event.path("delta").asText());
        case "response.refusal.delta" -> refusal.append(event.path("delta").asText());
        case "response.output_item.added" -> {
          JsonNode item = event.path("item");
          if (item.path("type").asText().equals("function_call")) {
            callIds.add(item.path("id").asText());
            calls.add(new String[] {item.path("call_id").asText(), item.path("name").asText(), ""});
          }
        }
        case "response.function_call_arguments.delta" -> {
          String[] call = calls.get(callIds.indexOf(event.path("item_id").asText()));
          call[2] = call[2] + event.path("delta").asText();
        }
        case "response.function_call_arguments.done" -> assertThat(event.path("arguments").asText())
            .isEqualTo(calls.get(callIds.indexOf(event.path("item_id").asText()))[2]);
        case "response.completed", "response.incomplete" -> finalUsage = event.path("response").path("usage");
        default -> {
        }
      }
      List<String> chunks;
      try {
        chunks = tr.onEvent(event);
        completion.onEvent(event);
      } catch (dev.sluice.error.GatewayException e) {
        assertThat(type).isIn("response.failed", "error");
        return;
      }
      for (String c : chunks) {
        ChatCompletionChunk chunk = ObjectMappers.jsonMapper().readValue(c, ChatCompletionChunk.class);
        chunk.validate();
        if (chunk.choices().isEmpty()) {
          usageChunks++;
        }
        acc.accumulate(chunk);
      }
    }
    assertThat(tr.finished()).isTrue();
    assertThat(usageChunks).isEqualTo(doc.path("include_usage").asBoolean() ? 1 : 0);

    ChatCompletion streamed = acc.chatCompletion();
    ChatCompletion assembled = ObjectMappers.jsonMapper()
        .readValue(Json.write(completion.result()), ChatCompletion.class);
    assembled.validate();
    for (ChatCompletion cc : List.of(streamed, assembled)) {
      var choice = cc.choices().get(0);
      assertThat(choice.finishReason().asString()).isEqualTo(tr.finishReason());
      if (text.length() > 0) {
        assertThat(choice.message().content()).contains(text.toString());
      }
      if (refusal.length() > 0) {
        assertThat(choice.message().refusal()).contains(refusal.toString());
      }
      List<ChatCompletionMessageToolCall> toolCalls = choice.message().toolCalls().orElse(List.of());
      assertThat(toolCalls).hasSize(calls.size());
      for (int i = 0; i < calls.size(); i++) {
        var fn = toolCalls.get(i).asFunction();
        assertThat(fn.id()).isEqualTo(calls.get(i)[0]);
        assertThat(fn.function().name()).isEqualTo(calls.get(i)[1]);
        assertThat(fn.function().arguments()).isEqualTo(calls.get(i)[2]);
        Json.parse(fn.function().arguments());
      }
    }
    var usage = assembled.usage().orElseThrow();
    assertThat(usage.promptTokens()).isEqualTo(finalUsage.path("input_tokens").asLong());
    assertThat(usage.completionTokens()).isEqualTo(finalUsage.path("output_tokens").asLong());
    assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens())
        .contains(finalUsage.path("input_tokens_details").path("cached_tokens").asLong());
    assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens())
        .contains(finalUsage.path("output_tokens_details").path("reasoning_tokens").asLong());
    if (doc.path("include_usage").asBoolean()) {
      assertThat(streamed.usage().orElseThrow().totalTokens()).isEqualTo(finalUsage.path("total_tokens").asLong());
    }
  }
}
