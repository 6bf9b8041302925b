package dev.sluice.dialect.anthropic;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/anthropic/stream/NAME.json holds Anthropic events (each validated against the anthropic-java
 * SDK's event model), NAME.expected.json the chunks (or error) each produces, the end and the final
 * state. Independently of the expected files, every chunk must parse and validate with openai-java and
 * the SDK's accumulation must give back the text and tool calls the events carried.
 */
class MessagesToChatStreamGoldenTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
  static final Set<String> SDK_EVENTS = Set.of("message_start", "message_delta", "message_stop",
      "content_block_start", "content_block_delta", "content_block_stop");

  @TestFactory
  Stream<DynamicTest> streams() {
    return Golden.cases("anthropic/stream", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  static MessagesToChatStream translator(JsonNode doc) {
    return new MessagesToChatStream(doc.path("client_model").asText(), doc.path("include_usage").asBoolean(), CLOCK,
        new ReplyPlan(doc.path("answer_tool").asText(null), null));
  }

  private static void run(Path p) throws Exception {
    JsonNode doc = Golden.read(p);
    MessagesToChatStream tr = translator(doc);
    List<ObjectNode> all = new ArrayList<>();
    ObjectNode actual = Json.object();
    ArrayNode steps = actual.putArray("steps");
    for (JsonNode e : doc.path("events")) {
      String type = e.path("event").asText();
      if (SDK_EVENTS.contains(type)) {
        AnthropicSdk.validStreamEvent(e.get("data"));
      }
      ObjectNode step = steps.addObject().put("event", type);
      record(step, () -> tr.onEvent(type, e.get("data")), all);
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
    steps = (ArrayNode) normalized.get("steps");
    for (int i = 0; i < expected.path("steps").size(); i++) {
      assertThat(steps.get(i)).as("step %d", i).isEqualTo(expected.path("steps").get(i));
    }
    assertThat(normalized).isEqualTo(expected);
    if (tr.finished()) {
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

  /** The openai-java accumulation of the chunks against what the events say. */
  private static void agreesWithEvents(JsonNode doc, List<ObjectNode> chunks, MessagesToChatStream tr)
      throws Exception {
    String answerTool = doc.path("answer_tool").asText(null);
    StringBuilder text = new StringBuilder();
    Map<Integer, String[]> calls = new LinkedHashMap<>();
    for (JsonNode e : doc.path("events")) {
      JsonNode data = e.get("data");
      JsonNode block = data.path("content_block");
      int index = data.path("index").asInt();
      if (block.path("type").asText().equals("tool_use")) {
        calls.put(index, new String[] {block.path("id").asText(), block.path("name").asText(), ""});
      }
      JsonNode delta = data.path("delta");
      switch (delta.path("type").asText()) {
        case "text_delta" -> text.append(delta.path("text").asText());
        case "input_json_delta" -> calls.get(index)[2] += delta.path("partial_json").asText();
        default -> {
        }
      }
    }
    List<String[]> toolCalls = new ArrayList<>();
    for (String[] call : calls.values()) {
      if (call[2].isEmpty()) {
        call[2] = "{}";
      }
      if (call[1].equals(answerTool)) {
        text.append(call[2]);
      } else {
        toolCalls.add(call);
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
    assertThat(got).hasSize(toolCalls.size());
    for (int i = 0; i < toolCalls.size(); i++) {
      var fn = got.get(i).asFunction();
      assertThat(fn.id()).isEqualTo(toolCalls.get(i)[0]);
      assertThat(fn.function().name()).isEqualTo(toolCalls.get(i)[1]);
      assertThat(Json.MAPPER.readTree(fn.function().arguments()))
          .isEqualTo(Json.MAPPER.readTree(toolCalls.get(i)[2]));
    }
    if (doc.path("include_usage").asBoolean()) {
      assertThat(cc.usage().orElseThrow().totalTokens()).isEqualTo(tr.usage().totalTokens());
    }
  }
}
