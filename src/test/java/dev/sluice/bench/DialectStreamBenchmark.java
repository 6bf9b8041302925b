package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.anthropic.MessagesToChatStream;
import dev.sluice.dialect.anthropic.inbound.ChatStreamToMessages;
import dev.sluice.dialect.gemini.GenerateContentToChatStream;
import dev.sluice.dialect.gemini.ToolCallIds;
import dev.sluice.dialect.gemini.inbound.ChatStreamToGenerateContent;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event work of the Anthropic and Gemini stream translations, both ways, on one typical text
 * delta in steady state (the start events are fed in setup): the JSON parse of the event's data and
 * the translation (as the relay does it), the translation alone on the parsed tree, and the whole
 * relay step (parse, translation, serialisation of each output and its SSE framing). The events are
 * those of the golden stream files (src/test/resources/golden), written compactly as on the wire.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DialectStreamBenchmark {
  private MessagesToChatStream anthropicUp;
  private String anthropicDelta;
  private JsonNode anthropicDeltaTree;

  private ChatStreamToMessages anthropicIn;
  private String anthropicInChunk;
  private JsonNode anthropicInChunkTree;

  private GenerateContentToChatStream geminiUp;
  private String geminiChunk;
  private JsonNode geminiChunkTree;

  private ChatStreamToGenerateContent geminiIn;
  private String geminiInChunk;
  private JsonNode geminiInChunkTree;

  @Setup
  public void setup() throws Exception {
    // Anthropic upstream → chat: message_start, content_block_start (text), then text_delta "Hello".
    JsonNode events = golden("anthropic/stream/text_only.json").get("events");
    anthropicUp = new MessagesToChatStream("sonnet", true, Clock.systemUTC());
    for (int i = 0; i < 2; i++) {
      anthropicUp.onEvent(events.get(i).get("event").asText(), events.get(i).get("data"));
    }
    anthropicDelta = Json.write(expect(events.get(2).get("data"), "content_block_delta"));
    anthropicDeltaTree = Json.parse(anthropicDelta);
    check(anthropicUp.onEvent("content_block_delta", anthropicDeltaTree).size() == 1, "anthropic upstream");

    // Chat → Anthropic client: the role chunk (message_start), a first content chunk (opens the text
    // block), then content "Hi" → one content_block_delta.
    JsonNode chunks = golden("anthropic-inbound/stream/text_only.json").get("chunks");
    anthropicIn = new ChatStreamToMessages("claude-sonnet-4-5", "0123456789abcdef0123456789abcdef", 48);
    anthropicIn.onChunk(chunks.get(0));
    anthropicIn.onChunk(chunks.get(1));
    anthropicInChunk = Json.write(chunks.get(1));
    anthropicInChunkTree = Json.parse(anthropicInChunk);
    List<ChatStreamToMessages.Event> out = anthropicIn.onChunk(anthropicInChunkTree);
    check(out.size() == 1 && out.get(0).type().equals("content_block_delta"), "anthropic inbound");

    // Gemini upstream → chat: a first event (the role chunk), then one with the text part "Hello ".
    JsonNode gemini = golden("gemini/stream/thoughts_text_usage.json").get("events");
    geminiUp = new GenerateContentToChatStream("gem", true, Clock.systemUTC(), ToolCallIds.randomNonces());
    geminiUp.onEvent(gemini.get(0));
    geminiChunk = Json.write(gemini.get(1));
    geminiChunkTree = Json.parse(geminiChunk);
    check(geminiUp.onEvent(geminiChunkTree).size() == 1, "gemini upstream");

    // Chat → Gemini client: the role chunk (no response), then content "Hel" → one response.
    JsonNode geminiChunks = golden("gemini-inbound/stream/text_usage_after_finish.json").get("chunks");
    geminiIn = new ChatStreamToGenerateContent("gemini-2.5-pro", "0123456789abcdef", 33, true);
    geminiIn.onChunk(geminiChunks.get(0));
    geminiInChunk = Json.write(geminiChunks.get(1));
    geminiInChunkTree = Json.parse(geminiInChunk);
    check(geminiIn.onChunk(geminiInChunkTree).size() == 1, "gemini inbound");
  }

  private static JsonNode golden(String file) {
    return Golden.read(Golden.ROOT.resolve(file));
  }

  private static JsonNode expect(JsonNode data, String type) {
    check(data.path("type").asText().equals(type), "golden event " + type);
    return data;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what + ": not the steady-state text delta the benchmark expects");
    }
  }

  /** Anthropic upstream → chat: parse of a {@code text_delta} event's data and its translation. */
  @Benchmark
  public List<ObjectNode> anthropicDeltaToChat() throws Exception {
    return anthropicUp.onEvent("content_block_delta", Json.parse(anthropicDelta));
  }

  /** The translation alone, from the parsed event. */
  @Benchmark
  public List<ObjectNode> anthropicDeltaToChatParsed() {
    return anthropicUp.onEvent("content_block_delta", anthropicDeltaTree);
  }

  /** Parse, translation, and each chunk serialised and framed as {@code data:} (as the relay writes it). */
  @Benchmark
  public void anthropicDeltaToChatEncoded(Blackhole bh) throws Exception {
    frame(anthropicUp.onEvent("content_block_delta", Json.parse(anthropicDelta)), bh);
  }

  /** Chat → Anthropic client: parse of a content chunk and its translation. */
  @Benchmark
  public List<ChatStreamToMessages.Event> chatDeltaToAnthropic() throws Exception {
    return anthropicIn.onChunk(Json.parse(anthropicInChunk));
  }

  /** The translation alone, from the parsed chunk. */
  @Benchmark
  public List<ChatStreamToMessages.Event> chatDeltaToAnthropicParsed() {
    return anthropicIn.onChunk(anthropicInChunkTree);
  }

  /** Parse, translation, and each event serialised and framed with its {@code event:} line. */
  @Benchmark
  public void chatDeltaToAnthropicEncoded(Blackhole bh) throws Exception {
    for (ChatStreamToMessages.Event e : anthropicIn.onChunk(Json.parse(anthropicInChunk))) {
      bh.consume(SseWriter.encode(new SseEvent(e.type(), Json.write(e.data()), null)));
    }
  }

  /** Gemini upstream → chat: parse of a one-text-part event and its translation. */
  @Benchmark
  public List<ObjectNode> geminiDeltaToChat() throws Exception {
    return geminiUp.onEvent(Json.parse(geminiChunk));
  }

  /** The translation alone, from the parsed event. */
  @Benchmark
  public List<ObjectNode> geminiDeltaToChatParsed() {
    return geminiUp.onEvent(geminiChunkTree);
  }

  /** Parse, translation, and each chunk serialised and framed as {@code data:}. */
  @Benchmark
  public void geminiDeltaToChatEncoded(Blackhole bh) throws Exception {
    frame(geminiUp.onEvent(Json.parse(geminiChunk)), bh);
  }

  /** Chat → Gemini client: parse of a content chunk and its translation. */
  @Benchmark
  public List<ObjectNode> chatDeltaToGemini() throws Exception {
    return geminiIn.onChunk(Json.parse(geminiInChunk));
  }

  /** The translation alone, from the parsed chunk. */
  @Benchmark
  public List<ObjectNode> chatDeltaToGeminiParsed() {
    return geminiIn.onChunk(geminiInChunkTree);
  }

  /** Parse, translation, and each response serialised and framed as {@code data:}. */
  @Benchmark
  public void chatDeltaToGeminiEncoded(Blackhole bh) throws Exception {
    frame(geminiIn.onChunk(Json.parse(geminiInChunk)), bh);
  }

  /** Each chunk serialised and framed as {@code data:}, as the relay writes it. */
  private static void frame(List<ObjectNode> chunks, Blackhole bh) {
    for (ObjectNode c : chunks) {
      bh.consume(SseWriter.data(Json.write(c)));
    }
  }
}
