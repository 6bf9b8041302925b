package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Text and two interleaved tool calls, split at arbitrary char positions (inside surrogate pairs and
 * JSON escapes too): the chunks reassemble to the originals, never carry half a character, and tool
 * call indexes follow order of appearance.
 */
class StreamSplitPropertyTest {

  @Provide
  Arbitrary<String> tricky() {
    return Arbitraries.of("a", "é", "世界", "😀", "👍🏽", "\\", "\"", "\\u00e9", "\\ud83d\\ude00", "\n", " ", "{", "}")
        .list().ofMinSize(1).ofMaxSize(25).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 400).list().ofMaxSize(12);
  }

  @Property(tries = 300)
  void reassemblesWhateverTheSplit(@ForAll("tricky") String text, @ForAll("tricky") String args1,
                                   @ForAll("tricky") String args2, @ForAll("cuts") List<Integer> cuts,
                                   @ForAll boolean sendDoneEvents) throws Exception {
    var tr = new ResponsesToChatStream("m", true);
    List<String> chunks = new ArrayList<>();
    chunks.addAll(tr.onEvent(event("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"created_at\":5,\"model\":\"m\"}}")));
    for (String piece : split(text, cuts)) {
      chunks.addAll(tr.onEvent(delta("response.output_text.delta", "msg_1", 0, piece)));
    }
    if (sendDoneEvents) {
      ObjectNode done = delta("response.output_text.done", "msg_1", 0, null);
      done.put("text", text);
      chunks.addAll(tr.onEvent(done));
    }
    chunks.addAll(tr.onEvent(added("fc_1", 1, "call_1", "f1")));
    chunks.addAll(tr.onEvent(added("fc_2", 2, "call_2", "f2")));
    List<String> p1 = split(args1, cuts);
    List<String> p2 = split(args2, cuts.reversed());
    for (int i = 0; i < Math.max(p1.size(), p2.size()); i++) {
      if (i < p2.size()) {
        chunks.addAll(tr.onEvent(delta("response.function_call_arguments.delta", "fc_2", 2, p2.get(i))));
      }
      if (i < p1.size()) {
        chunks.addAll(tr.onEvent(delta("response.function_call_arguments.delta", "fc_1", 1, p1.get(i))));
      }
    }
    if (sendDoneEvents) {
      chunks.addAll(tr.onEvent(argsDone("fc_1", 1, args1)));
      chunks.addAll(tr.onEvent(argsDone("fc_2", 2, args2)));
    }
    chunks.addAll(tr.onEvent(event("{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7}}}")));

    StringBuilder content = new StringBuilder();
    StringBuilder[] arguments = {new StringBuilder(), new StringBuilder()};
    String[] ids = new String[2];
    for (String c : chunks) {
      assertThat(ResponsesToChatStreamGoldenTest.hasLoneSurrogate(c)).isFalse();
      JsonNode chunk = Json.parse(c);
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode delta = choice.path("delta");
        content.append(delta.path("content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
          int index = call.path("index").asInt();
          if (call.has("id")) {
            ids[index] = call.path("id").asText();
          }
          arguments[index].append(call.path("function").path("arguments").asText(""));
        }
      }
    }
    assertThat(content.toString()).isEqualTo(text);
    assertThat(ids).containsExactly("call_1", "call_2");
    assertThat(arguments[0].toString()).isEqualTo(args1);
    assertThat(arguments[1].toString()).isEqualTo(args2);
    assertThat(tr.finishReason()).isEqualTo("tool_calls");
    assertThat(tr.usage()).isEqualTo(new TokenUsage(3, 4, 7, 0, 0));
  }

  static List<String> split(String s, List<Integer> cuts) {
    TreeSet<Integer> at = new TreeSet<>();
    for (int c : cuts) {
      at.add(c % (s.length() + 1));
    }
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int c : at) {
      out.add(s.substring(from, c));
      from = c;
    }
    out.add(s.substring(from));
    return out;
  }

  static JsonNode event(String json) throws Exception {
    return Json.parse(json);
  }

  static ObjectNode delta(String type, String itemId, int outputIndex, String delta) {
    ObjectNode e = Json.object().put("type", type).put("item_id", itemId).put("output_index", outputIndex)
        .put("content_index", 0);
    if (delta != null) {
      e.put("delta", delta);
    }
    return e;
  }

  static ObjectNode added(String itemId, int outputIndex, String callId, String name) {
    ObjectNode e = Json.object().put("type", "response.output_item.added").put("output_index", outputIndex);
    e.putObject("item").put("id", itemId).put("type", "function_call").put("status", "in_progress")
        .put("arguments", "").put("call_id", callId).put("name", name);
    return e;
  }

  static ObjectNode argsDone(String itemId, int outputIndex, String args) {
    return Json.object().put("type", "response.function_call_arguments.done").put("item_id", itemId)
        .put("output_index", outputIndex).put("arguments", args);
  }
}
