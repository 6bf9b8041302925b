package dev.sluice.bench;

import dev.sluice.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of parsing one event of a typical chat-completions stream (a ~230-byte content chunk), fed
 * as the relay feeds it: one network buffer per event, and the same stream cut into 64-byte
 * pieces (events split mid-line). Reported per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseParserBenchmark {
  static final int EVENTS = 64;

  private byte[][] perEvent;
  private byte[][] pieces;
  private SseParser parser;

  static String chunk(int i) {
    return "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
        + "\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word"
        + i + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  }

  @Setup
  public void setup(Blackhole bh) {
    perEvent = new byte[EVENTS][];
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < EVENTS; i++) {
      perEvent[i] = chunk(i).getBytes(StandardCharsets.UTF_8);
      all.append(chunk(i));
    }
    byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
    int n = (bytes.length + 63) / 64;
    pieces = new byte[n][];
    for (int i = 0; i < n; i++) {
      pieces[i] = java.util.Arrays.copyOfRange(bytes, i * 64, Math.min(bytes.length, (i + 1) * 64));
    }
    parser = new SseParser(bh::consume);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void oneBufferPerEvent() {
    for (byte[] b : perEvent) {
      parser.feed(b, 0, b.length);
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void splitInto64BytePieces() {
    for (byte[] b : pieces) {
      parser.feed(b, 0, b.length);
    }
  }

}
