package dev.sluice.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/gemini/stream/NAME.json holds the data of Gemini stream events (each but error events read
 * by google-genai's {@code GenerateContentResponse}), NAME.expected.json the chunks (or error) each
 * produces, the end and the final state. Independently of the expected files, every chunk must
 * validate with openai-java and, for a finished stream of one candidate, the SDK's accumulation must
 * give back the text, thoughts and calls the events carried, each call id giving back its signature.
 */
class GenerateContentToChatStreamGoldenTest {

  @TestFactory
  Stream<DynamicTest> streams() {
    return Golden.cases("gemini/stream", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    JsonNode doc = Golden.read(p);
    GenerateContentToChatStream tr = new GenerateContentToChatStream(doc.path("client_model").asText(),
        doc.path("include_usage").asBoolean(), GenerateContentToChatCompletionGoldenTest.CLOCK, Nonces.counting());
    List<ObjectNode> all = new ArrayList<>();
    ObjectNode actual = Json.object();
    ArrayNode steps = actual.putArray("steps");
    for (JsonNode e : doc.path("events")) {
      if (!e.has("error")) {
        GeminiSdk.validResponse(e);
      }
      record(steps.addObject(), () -> tr.onEvent(e), all);
    }
    record(actual.putObject("end"), tr::onEnd, all);
    ObjectNode fin = actual.putObject("final");
    fin.put("finished", tr.finished());
    fin.put("finish_reason", tr.finishReason());
    fin.set("usage", Json.MAPPER.valueToTree(tr.usage()));

    Path expectedFile = p.resolveSibling(Golden.name(p) + ".expected.json");
    if (Golden.UPDATE) {
      Golden.write(expectedFile, actual);
    }
    JsonNode expected = Golden.read(expectedFile);
    JsonNode normalized = Json.parse(Json.write(actual));
    for (int i = 0; i < expected.path("steps").size(); i++) {
      assertThat(normalized.path("steps").get(i)).as("step %d", i).isEqualTo(expected.path("steps").get(i));
    }
    assertThat(normalized).isEqualTo(expected);
    for (ObjectNode c : all) {
      OpenAiSdk.chunk(c);
    }
    if (tr.finished() && !doc.path("several_candidates").asBoolean()) {
      agreesWithEvents(doc, all, tr);
    }
  }

  private static void record(ObjectNode step, Supplier<List<ObjectNode>> call, List<ObjectNode> all) {
    try {
      List<ObjectNode> chunks = call.get();
      step.putArray("chunks").addAll(chunks);
      all.addAll(chunks);
    } catch (GatewayException e) {
      step.set("error", Golden.error(e.error()));
      step.put("failure_kind", e.kind().name());
    }
  }

  private static void agreesWithEvents(JsonNode doc, List<ObjectNode> chunks, GenerateContentToChatStream tr)
      throws Exception {
    StringBuilder text = new StringBuilder();
    List<JsonNode> calls = new ArrayList<>();
    for (JsonNode e : doc.path("events")) {
      for (JsonNode part : e.path("candidates").path(0).path("content").path("parts")) {
        if (part.has("functionCall")) {
          calls.add(part);
        } else if (!part.path("thought").asBoolean()) {
          text.append(part.path("text").asText(""));
        }
      }
    }
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    int usageChunks = 0;
    for (ObjectNode c : chunks) {
      var chunk = OpenAiSdk.chunk(c);
      usageChunks += chunk.choices().isEmpty() ? 1 : 0;
      acc.accumulate(chunk);
    }
    assertThat(usageChunks).isEqualTo(doc.path("include_usage").asBoolean() ? 1 : 0);
    ChatCompletion cc = acc.chatCompletion();
    var choice = cc.choices().get(0);
    assertThat(choice.finishReason().asString()).isEqualTo(tr.finishReason());
    assertThat(choice.message().content().orElse("")).isEqualTo(text.toString());
    List<ChatCompletionMessageToolCall> got = choice.message().toolCalls().orElse(List.of());
    assertThat(got).hasSize(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      var fn = got.get(i).asFunction();
      JsonNode fc = calls.get(i).path("functionCall");
      assertThat(fn.function().name()).isEqualTo(fc.path("name").asText());
      assertThat(Json.MAPPER.readTree(fn.function().arguments())).isEqualTo(fc.path("args"));
      ToolCallIds.Decoded d = ToolCallIds.decode(fn.id());
      assertThat(d.signature()).isEqualTo(calls.get(i).path("thoughtSignature").asText(null));
      assertThat(d.geminiId()).isEqualTo(fc.path("id").asText(null));
    }
    if (doc.path("include_usage").asBoolean()) {
      assertThat(cc.usage().orElseThrow().totalTokens()).isEqualTo(tr.usage().totalTokens());
    }
  }
}
