package dev.sluice.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond ticker and a wall clock that move together, only when told to. */
final class FakeTime extends Clock implements LongSupplier {
  private final AtomicLong nanos;
  private final Instant wallAtStart;
  private final long tickerAtStart;

  FakeTime(long tickerStart, Instant wallStart) {
    this.nanos = new AtomicLong(tickerStart);
    this.tickerAtStart = tickerStart;
    this.wallAtStart = wallStart;
  }

  void advanceNanos(long n) {
    nanos.addAndGet(n);
  }

  void advanceMillis(long ms) {
    advanceNanos(ms * 1_000_000L);
  }

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  @Override
  public Instant instant() {
    return wallAtStart.plusNanos(nanos.get() - tickerAtStart);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
