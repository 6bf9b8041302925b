package dev.sluice.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private static final String STREAM = "\uFEFF: keep-alive comment\r\n"
      + "event: response.output_text.delta\r\n"
      + "data: {\"delta\":\"h\u00e9llo \uD83D\uDE00 \u4e16\u754c\"}\r\n\r\n"
      + "data: line one\n"
      + "data: line two\n"
      + "id: 7\n"
      + "\n"
      + ":comment only\n\n"
      + "data:no-space\r\r"
      + "retry: 100\n"
      + "data\n\n"
      + "data: [DONE]\n\n";

  private static final List<SseEvent> EXPECTED = List.of(
      new SseEvent("response.output_text.delta", "{\"delta\":\"h\u00e9llo \uD83D\uDE00 \u4e16\u754c\"}", null),
      new SseEvent(null, "line one\nline two", "7"),
      new SseEvent(null, "no-space", "7"),
      new SseEvent(null, "", "7"),
      new SseEvent(null, "[DONE]", "7"));

  private static List<SseEvent> parse(byte[] bytes, int... cuts) {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    int start = 0;
    for (int cut : cuts) {
      p.feed(bytes, start, cut - start);
      start = cut;
    }
    p.feed(bytes, start, bytes.length - start);
    p.flush();
    return out;
  }

  @Test
  void wholeStreamAtOnce() {
    assertThat(parse(STREAM.getBytes(StandardCharsets.UTF_8))).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void everySingleSplitPoint() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(parse(bytes, cut)).as("split at byte %d", cut).containsExactlyElementsOf(EXPECTED);
    }
  }

  @Test
  void everyPairOfSplitPoints() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int a = 0; a <= bytes.length; a += 1) {
      for (int b = a; b <= bytes.length; b += 3) {
        assertThat(parse(bytes, a, b)).as("split at %d and %d", a, b).containsExactlyElementsOf(EXPECTED);
      }
    }
  }

  @Test
  void oneByteAtATime() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    int[] cuts = new int[bytes.length - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    assertThat(parse(bytes, cuts)).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void eventsAreEmittedAsSoonAsTheirBlankLineArrives() {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    p.feed("data: a\n".getBytes(StandardCharsets.UTF_8));
    assertThat(out).isEmpty();
    p.feed("\n".getBytes(StandardCharsets.UTF_8));
    assertThat(out).containsExactly(SseEvent.data("a"));
  }

  @Test
  void unterminatedLastEventIsEmittedOnFlushAndEmptyEventsAreNot() {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    p.feed("event: x\n\n: c\n\ndata: tail".getBytes(StandardCharsets.UTF_8));
    assertThat(out).isEmpty();
    p.flush();
    assertThat(out).containsExactly(SseEvent.data("tail"));
  }

  @Test
  void crAtTheEndOfAChunkFollowedByLfIsOneLineEnd() {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    p.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
    p.feed("\n\r".getBytes(StandardCharsets.UTF_8));
    p.feed("\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(out).containsExactly(SseEvent.data("a"), SseEvent.data("b"));
  }

  @Test
  void writerRoundTrips() {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    SseEvent multi = new SseEvent("e", "one\ntwo", "9");
    p.feed(SseWriter.encode(multi).getBytes());
    p.feed(SseWriter.data("x").getBytes());
    assertThat(out).containsExactly(multi, new SseEvent(null, "x", "9"));
  }
}
