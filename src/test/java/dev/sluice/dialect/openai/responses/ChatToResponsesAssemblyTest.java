package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The three routes to one answer agree, for every golden chat stream: the streamed events fed to
 * {@link ResponsesStreamAssembler} (as sent, and with the final event's {@code output} emptied so the
 * assembler rebuilds it from {@code output_item.done}), the stream's own final response, and
 * {@link ChatCompletionToResponse} on the chunks accumulated into one {@code chat.completion}.
 */
class ChatToResponsesAssemblyTest {

  @TestFactory
  Stream<DynamicTest> routesAgree() {
    return ChatStreamCase.each(ChatToResponsesAssemblyTest::check);
  }

  private static void check(ChatStreamCase c) throws Exception {
    ObjectNode streamed = c.translator().response();

    var assembler = new ResponsesStreamAssembler();
    c.events().forEach(assembler::onEvent);
    assertThat(assembler.response()).isEqualTo(streamed);

    var rebuilt = new ResponsesStreamAssembler();
    for (ObjectNode e : c.events()) {
      ObjectNode copy = e.deepCopy();
      if (copy.path("response").path("status").asText().matches("completed|incomplete")) {
        ((ObjectNode) copy.get("response")).putArray("output");
      }
      rebuilt.onEvent(copy);
    }
    assertThat(rebuilt.response().get("output")).as("output rebuilt from output_item.done")
        .isEqualTo(streamed.get("output"));

    JsonNode completion = accumulate(c.doc().path("chunks"));
    ObjectNode direct = ChatCompletionToResponse.translate(completion, c.doc().get("request"),
        c.doc().path("id_seed").asText(), ChatStreamCase.CLOCK);
    assertThat(direct).isEqualTo(streamed);
  }

  /** The chunks as one non-streaming completion, merged the way a chat client merges them. */
  static ObjectNode accumulate(JsonNode chunks) {
    ObjectNode completion = Json.object().put("object", "chat.completion");
    StringBuilder content = new StringBuilder();
    StringBuilder refusal = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    Map<Integer, ObjectNode> calls = new TreeMap<>();
    String finish = null;
    int last = -1;
    for (JsonNode chunk : chunks) {
      completion.set("model", chunk.get("model"));
      if (chunk.path("usage").isObject()) {
        completion.set("usage", chunk.get("usage"));
      }
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode d = choice.path("delta");
        content.append(d.path("content").asText(""));
        refusal.append(d.path("refusal").asText(""));
        reasoning.append(d.path("reasoning_content").asText(""));
        for (JsonNode tc : d.path("tool_calls")) {
          int index = tc.has("index") ? tc.get("index").asInt() : tc.has("id") ? last + 1 : last;
          last = index;
          ObjectNode call = calls.computeIfAbsent(index, k -> {
            ObjectNode n = Json.object().put("type", "function");
            n.putObject("function").put("arguments", "");
            return n;
          });
          if (tc.hasNonNull("id")) {
            call.put("id", tc.get("id").asText());
          }
          ObjectNode fn = (ObjectNode) call.get("function");
          if (tc.path("function").hasNonNull("name")) {
            fn.put("name", tc.path("function").get("name").asText());
          }
          fn.put("arguments", fn.get("arguments").asText() + tc.path("function").path("arguments").asText(""));
        }
        if (choice.hasNonNull("finish_reason")) {
          finish = choice.get("finish_reason").asText();
        }
      }
    }
    ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    message.put("content", content.isEmpty() ? null : content.toString());
    if (!refusal.isEmpty()) {
      message.put("refusal", refusal.toString());
    }
    if (!reasoning.isEmpty()) {
      message.put("reasoning_content", reasoning.toString());
    }
    if (!calls.isEmpty()) {
      ArrayNode list = message.putArray("tool_calls");
      calls.values().forEach(list::add);
    }
    choice.put("finish_reason", finish);
    return completion;
  }
}
