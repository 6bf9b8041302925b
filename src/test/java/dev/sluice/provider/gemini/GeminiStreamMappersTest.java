package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseParser;
import dev.sluice.usage.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The Gemini stream mappers fed Google's CRLF-framed SSE split at every byte: the client sees the same
 * events however the upstream's bytes were cut, and the usage of the last {@code usageMetadata}.
 */
class GeminiStreamMappersTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
  static final String SIG = "+/8gc2lnbmF0dXJlIG9uZSD+";
  static final String UPSTREAM = String.join("", List.of(
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me think.\",\"thought\":true}],\"role\":\"model\"},"
          + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,\"totalTokenCount\":10},\"responseId\":\"r1\"}\r\n\r\n",
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello wörld 👋 \"}],\"role\":\"model\"},\"index\":0}],"
          + "\"usageMetadata\":{\"promptTokenCount\":10,\"totalTokenCount\":10},\"responseId\":\"r1\"}\r\n\r\n",
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"id\":\"fc1\",\"name\":\"get_weather\",\"args\":"
          + "{\"city\":\"Bern\"}},\"thoughtSignature\":\"" + SIG + "\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
          + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,\"cachedContentTokenCount\":4,"
          + "\"candidatesTokenCount\":6,\"thoughtsTokenCount\":3,\"totalTokenCount\":19},\"responseId\":\"r1\"}\r\n\r\n"));

  static Supplier<String> nonces() {
    AtomicInteger n = new AtomicInteger();
    return () -> String.format("%024d", n.incrementAndGet());
  }

  /** What the client gets when the upstream's bytes arrive cut at {@code at}. */
  static String run(StreamMapper mapper, int at) {
    byte[] bytes = UPSTREAM.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    SseParser parser = new SseParser(ev -> mapper.onEvent(ev, b -> out.append(b.toString(StandardCharsets.UTF_8))));
    byte[] first = java.util.Arrays.copyOfRange(bytes, 0, at);
    byte[] rest = java.util.Arrays.copyOfRange(bytes, at, bytes.length);
    parser.feed(first);
    parser.feed(rest);
    parser.flush();
    mapper.onEnd(b -> out.append(b.toString(StandardCharsets.UTF_8)));
    return out.toString();
  }

  @Test
  void chatChunksAreTheSameAtEverySplit() throws Exception {
    String whole = run(new GeminiAsChatStreamMapper("gem", true, CLOCK, nonces()), 0);
    int length = UPSTREAM.getBytes(StandardCharsets.UTF_8).length;
    for (int at = 1; at < length; at++) {
      assertThat(run(new GeminiAsChatStreamMapper("gem", true, CLOCK, nonces()), at)).as("split at %d", at)
          .isEqualTo(whole);
    }
    List<JsonNode> chunks = new ArrayList<>();
    for (String frame : whole.split("\n\n")) {
      if (!frame.equals("data: [DONE]")) {
        chunks.add(Json.MAPPER.readTree(frame.substring("data: ".length())));
      }
    }
    assertThat(whole).endsWith("data: [DONE]\n\n");
    assertThat(chunks.get(1).path("choices").get(0).path("delta").path("reasoning_content").asText())
        .isEqualTo("Let me think.");
    assertThat(chunks.get(2).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Hello wörld 👋 ");
    JsonNode call = chunks.get(3).path("choices").get(0).path("delta").path("tool_calls").get(0);
    assertThat(dev.sluice.dialect.gemini.ToolCallIds.decode(call.path("id").asText()).signature()).isEqualTo(SIG);
    assertThat(chunks.get(4).path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(chunks.get(5).path("usage").path("completion_tokens").asInt()).isEqualTo(9);
  }

  @Test
  void passthroughReemitsEachEventAsItCameAtEverySplit() {
    GeminiPassthroughStreamMapper probe = new GeminiPassthroughStreamMapper();
    String whole = run(probe, 0);
    int length = UPSTREAM.getBytes(StandardCharsets.UTF_8).length;
    for (int at = 1; at < length; at++) {
      assertThat(run(new GeminiPassthroughStreamMapper(), at)).as("split at %d", at).isEqualTo(whole);
    }
    String[] frames = whole.split("\n\n");
    String[] upstream = UPSTREAM.split("\r\n\r\n");
    assertThat(frames).hasSize(upstream.length);
    for (int i = 0; i < frames.length; i++) {
      assertThat(frames[i]).isEqualTo(upstream[i]);
    }
    assertThat(probe.usage()).isEqualTo(new TokenUsage(10, 9, 4, 3));
    assertThat(probe.committed()).isTrue();
  }

  @Test
  void thePassthroughCommitsOnlyOnceOutputPassed() {
    GeminiPassthroughStreamMapper m = new GeminiPassthroughStreamMapper();
    m.onEvent(dev.sluice.sse.SseEvent.data("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\",\"thought\":false}]},"
        + "\"index\":0}]}"), b -> { });
    assertThat(m.committed()).isFalse();
    m.onEvent(dev.sluice.sse.SseEvent.data("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]},\"index\":0}]}"),
        b -> { });
    assertThat(m.committed()).isTrue();
  }
}
