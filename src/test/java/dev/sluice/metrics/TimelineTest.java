package dev.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Endpoint;
import dev.sluice.provider.AttemptLog;
import dev.sluice.testing.MutableClock;
import dev.sluice.usage.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's timeline: buckets by time, percentiles from the fixed histogram, a bounded model list. */
class TimelineTest {
  static RequestRecord at(long millis, String model, int status, long latency, long ttfb, long tokens) {
    return new RequestRecord(millis, "r", Endpoint.CHAT_COMPLETIONS, "/v1/chat/completions", "k", "key", null, model, model, new AttemptLog(), null,
        status, status >= 400 ? "x" : null, latency, ttfb, false, new TokenUsage(tokens, 0, 0, 0), null);
  }

  @Test
  void bucketsCountRequestsErrorsPercentilesAndTokensByModel() {
    Instant start = Instant.parse("2026-01-31T12:00:00Z");
    MutableClock clock = new MutableClock(start);
    Timeline t = new Timeline(clock);
    long now = start.toEpochMilli();
    for (int i = 0; i < 98; i++) {
      t.finished(at(now + i, "gpt-4o", 200, 40, 8, 10));
    }
    t.finished(at(now, "gpt-4o", 502, 4_000, -1, 0));
    t.finished(at(now, "fast", 200, 900, 900, 5));
    t.finished(at(now - 25_000, "gpt-4o", 200, 3, 1, 1));
    for (int i = 0; i < 20; i++) {
      t.finished(at(now, "made-up-" + i, 200, 40, 8, 1));
    }

    List<Timeline.Point> points = t.points(1);
    assertThat(points).hasSize(6);
    Timeline.Point last = points.getLast();
    assertThat(last.epochSecond()).isEqualTo(start.getEpochSecond());
    assertThat(last.requests()).isEqualTo(120);
    assertThat(last.errors()).isEqualTo(1);
    assertThat(last.p50Millis()).as("40 ms falls in the (30, 50] bucket").isEqualTo(50);
    assertThat(last.p99Millis()).isEqualTo(1000);
    assertThat(last.ttfbP50Millis()).isEqualTo(10);
    assertThat(last.tokensByModel()).containsEntry("gpt-4o", 980L).containsEntry("fast", 5L)
        .hasSize(Timeline.MODELS_PER_BUCKET + 1).containsKey("other");
    assertThat(points.get(2).requests()).as("25 s earlier, three buckets back").isEqualTo(1);
    assertThat(points.get(3).requests()).isZero();
    assertThat(points.get(3).p50Millis()).isEqualTo(-1);

    clock.advance(Duration.ofHours(1));
    assertThat(t.points(60)).allSatisfy(p -> assertThat(p.requests()).isZero());
  }

  @Test
  void theRequestLogFiltersByKeyModelStatusAndUpstream() {
    RequestLog log = new RequestLog(3);
    AttemptLog served = new AttemptLog();
    served.served("b", "b-model");
    log.finished(new RequestRecord(1, "r1", Endpoint.CHAT_COMPLETIONS, "/v1/chat/completions", "key_1", "laptop", null, "fast", "fast", served, null,
        200, null, 5, 5, false, TokenUsage.NONE, null));
    log.finished(at(2, "gpt-4o", 429, 1, 1, 0));
    log.finished(at(3, "gpt-4o", 200, 1, 1, 0));
    assertThat(log.recent(RequestLog.Filter.ALL, 10)).extracting(RequestRecord::epochMillis).containsExactly(3L, 2L, 1L);
    assertThat(log.recent(new RequestLog.Filter("laptop", null, null, null), 10)).hasSize(1);
    assertThat(log.recent(new RequestLog.Filter("key_1", null, null, null), 10)).hasSize(1);
    assertThat(log.recent(new RequestLog.Filter(null, "b-model", null, null), 10)).hasSize(1);
    assertThat(log.recent(new RequestLog.Filter(null, null, "4xx", null), 10)).extracting(RequestRecord::status)
        .containsExactly(429);
    assertThat(log.recent(new RequestLog.Filter(null, null, "ok", "b"), 10)).hasSize(1);
    assertThat(log.recent(new RequestLog.Filter(null, null, "error", null), 10)).hasSize(1);
    log.finished(at(4, "gpt-4o", 200, 1, 1, 0));
    assertThat(log.recent(RequestLog.Filter.ALL, 10)).extracting(RequestRecord::epochMillis).containsExactly(4L, 3L, 2L);
  }
}
