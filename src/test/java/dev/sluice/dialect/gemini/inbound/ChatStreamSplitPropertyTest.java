package dev.sluice.dialect.gemini.inbound;

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
 * One chat answer (reasoning, text, two tool calls) cut into chunks at arbitrary positions, the
 * calls' fragments sequential or interleaved, the usage with the finish or after it, the finish there
 * or not: the Gemini responses always add up to the same text, thoughts and whole calls, with exactly
 * one finish, on the last response.
 */
class ChatStreamSplitPropertyTest {

  @Provide
  Arbitrary<String> tricky() {
    return Arbitraries.of("a", "é", "世界", "😀", "\\", "\"", "\n", " ", "{", "}", "[1]", ":")
        .list().ofMinSize(1).ofMaxSize(20).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 300).list().ofMaxSize(10);
  }

  @Property(tries = 300)
  void sameAnswerWhateverTheChunking(@ForAll("tricky") String reasoning, @ForAll("tricky") String text,
                                     @ForAll("tricky") String v1, @ForAll("tricky") String v2,
                                     @ForAll("cuts") List<Integer> cuts, @ForAll boolean interleave,
                                     @ForAll boolean usageWithFinish, @ForAll boolean finish) {
    String args1 = Json.write(Json.object().put("path", v1));
    String args2 = Json.write(Json.object().put("q", v2).put("n", 3));
    List<ObjectNode> chunks = new ArrayList<>();
    for (String piece : split(reasoning, cuts)) {
      chunks.add(delta(Json.object().put("reasoning_content", piece)));
    }
    for (String piece : split(text, cuts.reversed())) {
      chunks.add(delta(Json.object().put("content", piece)));
    }
    List<String> p1 = split(args1, cuts);
    List<String> p2 = split(args2, cuts.reversed());
    chunks.add(call(0, "call_1", "read_file", p1.get(0)));
    if (interleave) {
      chunks.add(call(1, "call_2", "search", p2.get(0)));
      for (int i = 1; i < Math.max(p1.size(), p2.size()); i++) {
        if (i < p1.size()) {
          chunks.add(call(0, null, null, p1.get(i)));
        }
        if (i < p2.size()) {
          chunks.add(call(1, null, null, p2.get(i)));
        }
      }
    } else {
      p1.subList(1, p1.size()).forEach(p -> chunks.add(call(0, null, null, p)));
      chunks.add(call(1, "call_2", "search", p2.get(0)));
      p2.subList(1, p2.size()).forEach(p -> chunks.add(call(1, null, null, p)));
    }
    ObjectNode usage = Json.object().put("prompt_tokens", 11).put("completion_tokens", 22).put("total_tokens", 33);
    if (finish) {
      ObjectNode last = delta(Json.object());
      ((ObjectNode) last.path("choices").get(0)).put("finish_reason", "tool_calls");
      if (usageWithFinish) {
        last.set("usage", usage);
      }
      chunks.add(last);
    }
    if (!finish || !usageWithFinish) {
      chunks.add((ObjectNode) Json.object().set("usage", usage));
    }

    var tr = new ChatStreamToGenerateContent("gemini-x", "r1", 4, true);
    List<ObjectNode> out = new ArrayList<>();
    chunks.forEach(c -> out.addAll(tr.onChunk(c)));
    out.addAll(tr.onDone());

    StringBuilder thoughts = new StringBuilder();
    StringBuilder answer = new StringBuilder();
    List<JsonNode> calls = new ArrayList<>();
    int finishes = 0;
    for (ObjectNode r : out) {
      JsonNode candidate = r.path("candidates").path(0);
      if (candidate.has("finishReason")) {
        finishes++;
        assertThat(candidate.get("finishReason").asText()).isEqualTo("STOP");
        assertThat(r.path("usageMetadata").path("totalTokenCount").asLong()).isEqualTo(33);
      }
      for (JsonNode part : candidate.path("content").path("parts")) {
        if (part.has("functionCall")) {
          calls.add(part.get("functionCall"));
        } else if (part.path("thought").asBoolean(false)) {
          thoughts.append(part.path("text").asText());
        } else {
          answer.append(part.path("text").asText());
        }
      }
    }
    assertThat(finishes).isEqualTo(1);
    assertThat(out.get(out.size() - 1).path("candidates").path(0).has("finishReason")).isTrue();
    assertThat(thoughts.toString()).isEqualTo(reasoning);
    assertThat(answer.toString()).isEqualTo(text);
    assertThat(calls).hasSize(2);
    assertThat(Json.write(calls.get(0))).isEqualTo("{\"id\":\"call_1\",\"name\":\"read_file\",\"args\":" + args1 + "}");
    assertThat(Json.write(calls.get(1))).isEqualTo("{\"id\":\"call_2\",\"name\":\"search\",\"args\":" + args2 + "}");
  }

  private static ObjectNode delta(ObjectNode delta) {
    ObjectNode chunk = Json.object().put("id", "chatcmpl-p").put("object", "chat.completion.chunk");
    chunk.putArray("choices").addObject().put("index", 0).set("delta", delta);
    return chunk;
  }

  private static ObjectNode call(int index, String id, String name, String arguments) {
    ObjectNode fragment = Json.object().put("index", index);
    if (id != null) {
      fragment.put("id", id).put("type", "function");
    }
    ObjectNode function = fragment.putObject("function");
    if (name != null) {
      function.put("name", name);
    }
    function.put("arguments", arguments);
    ObjectNode d = Json.object();
    d.putArray("tool_calls").add(fragment);
    return delta(d);
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
}
