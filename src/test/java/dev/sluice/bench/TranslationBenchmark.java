package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.openai.chat.ResponsesToChatStream;
import dev.sluice.json.Json;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event work after SSE parsing: translating a Responses {@code output_text.delta} event into a
 * chat-completions chunk (JSON parse of the event's data, then {@link ResponsesToChatStream#onEvent}),
 * and the OpenAI passthrough mapper on a typical content chunk (usage check and re-encoding).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TranslationBenchmark {
  static final String DELTA = "{\"type\":\"response.output_text.delta\",\"sequence_number\":7,"
      + "\"item_id\":\"msg_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654\",\"output_index\":0,"
      + "\"content_index\":0,\"delta\":\" quick\",\"logprobs\":[],\"obfuscation\":\"Vb4s2bTq2x\"}";
  static final String CREATED = "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{"
      + "\"id\":\"resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654\",\"object\":\"response\","
      + "\"created_at\":1741290958,\"status\":\"in_progress\",\"model\":\"gpt-4.1-2025-04-14\",\"output\":[]}}";

  private ResponsesToChatStream translator;
  private JsonNode deltaTree;
  private StreamMapper passthrough;
  private SseEvent chatChunk;
  private Consumer<Buffer> sink;

  @Setup
  public void setup(Blackhole bh) throws Exception {
    translator = new ResponsesToChatStream("gpt-4.1", false);
    translator.onEvent(Json.MAPPER.readTree(CREATED));
    deltaTree = Json.MAPPER.readTree(DELTA);
    Constructor<?> c = Class.forName("dev.sluice.provider.openai.PassthroughStreamMapper")
        .getDeclaredConstructor(boolean.class);
    c.setAccessible(true);
    passthrough = (StreamMapper) c.newInstance(false);
    String line = SseParserBenchmark.chunk(3);
    chatChunk = SseEvent.data(line.substring("data: ".length(), line.length() - 2));
    sink = bh::consume;
  }

  /** Parse of the event's data and translation to one chat chunk. */
  @Benchmark
  public List<String> responsesDeltaToChat() throws Exception {
    return translator.onEvent(Json.MAPPER.readTree(DELTA));
  }

  /** Translation alone, from an already parsed event. */
  @Benchmark
  public List<String> responsesDeltaToChatParsed() {
    return translator.onEvent(deltaTree);
  }

  /** OpenAI passthrough of one content chunk: usage check and SSE re-encoding. */
  @Benchmark
  public void passthroughChatChunk() {
    passthrough.onEvent(chatChunk, sink);
  }
}
