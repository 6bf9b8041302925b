package dev.sluice.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import dev.sluice.sse.SseParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The SSE bytes of a recorded Anthropic stream (thinking, text with multi-byte characters, two tool
 * calls, a ping and a comment), fed through {@link SseParser} into {@link MessagesToChatStream} split
 * at every byte boundary (and at random sets of boundaries), give the same chunks as fed whole.
 */
class SseSplitPropertyTest {
  static final byte[] SSE = read();

  static byte[] read() {
    try {
      return Files.readAllBytes(Golden.ROOT.resolve("anthropic/sse/thinking_text_tools.sse"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<ObjectNode> translate(List<Integer> cuts) {
    MessagesToChatStream tr = new MessagesToChatStream("sonnet", true, MessagesToChatStreamGoldenTest.CLOCK);
    List<ObjectNode> chunks = new ArrayList<>();
    SseParser parser = new SseParser(e -> {
      try {
        chunks.addAll(tr.onEvent(e.event(), Json.parse(e.data())));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    });
    int from = 0;
    for (int cut : new TreeSet<>(cuts)) {
      parser.feed(SSE, from, cut - from);
      from = cut;
    }
    parser.feed(SSE, from, SSE.length - from);
    parser.flush();
    chunks.addAll(tr.onEnd());
    return chunks;
  }

  @Test
  void wholeStreamGivesTheRecordedConversation() {
    List<ObjectNode> chunks = translate(List.of());
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<String> toolCalls = new ArrayList<>();
    for (ObjectNode c : chunks) {
      OpenAiSdk.chunk(c);
      JsonNode delta = c.path("choices").path(0).path("delta");
      content.append(delta.path("content").asText(""));
      reasoning.append(delta.path("reasoning_content").asText(""));
      for (JsonNode call : delta.path("tool_calls")) {
        if (call.has("id")) {
          toolCalls.add(call.path("index").asInt() + ":" + call.path("id").asText());
        }
      }
    }
    assertThat(content).hasToString("Checking wörld 👋.");
    assertThat(reasoning).hasToString("Need both tools.");
    assertThat(toolCalls).containsExactly("0:toolu_01", "1:toolu_02");
    assertThat(chunks.getLast().path("usage").path("total_tokens").asLong()).isEqualTo(135);
  }

  @Test
  void everySingleByteBoundaryGivesTheSameChunks() {
    List<ObjectNode> whole = translate(List.of());
    for (int i = 0; i <= SSE.length; i++) {
      assertThat(translate(List.of(i))).as("split at byte %d", i).isEqualTo(whole);
    }
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, SSE.length).list().ofMaxSize(40);
  }

  @Property(tries = 200)
  void anySetOfBoundariesGivesTheSameChunks(@ForAll("cuts") List<Integer> cuts) {
    assertThat(translate(cuts)).isEqualTo(translate(List.of()));
  }
}
