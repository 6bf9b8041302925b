package dev.sluice.relay;

import java.time.Duration;

/** Counts requests between their start and their last usage record, so shutdown can wait for them. */
public final class InFlight {
  private int count;

  synchronized void enter() {
    count++;
  }

  synchronized void exit() {
    if (--count == 0) {
      notifyAll();
    }
  }

  public synchronized int count() {
    return count;
  }

  /** Blocks until no request is in flight or the grace period is over; returns whether idle. */
  public synchronized boolean awaitIdle(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
