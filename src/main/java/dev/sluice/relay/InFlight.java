package dev.sluice.relay;

import dev.sluice.error.ApiError;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests between their start and their last usage record, so shutdown can wait for them and,
 * past its grace period, answer the ones still running before it closes their connections.
 */
public final class InFlight {
  /** A request that can be ended early, from any thread. */
  interface Request {
    /** Answers the client with {@code error} (a JSON error, or the stream's error event) and records it. */
    void abort(ApiError error);
  }

  private final Set<Request> live = ConcurrentHashMap.newKeySet();
  private int count;
  private volatile boolean draining;
  private volatile boolean stopping;

  /** From now on {@code /healthz} answers 503 draining (a stop has begun); requests are still served. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** From now on a new connection is closed before its request is read: the listener is closing. */
  public void stopAccepting() {
    draining = true;
    stopping = true;
  }

  public boolean stopping() {
    return stopping;
  }

  void enter(Request r) {
    live.add(r);
    synchronized (this) {
      count++;
    }
  }

  void exit(Request r) {
    live.remove(r);
    synchronized (this) {
      if (--count == 0) {
        notifyAll();
      }
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

  /** Ends every request still running with {@code error}; returns how many there were. */
  public int abortAll(ApiError error) {
    int n = 0;
    for (Request r : live) {
      r.abort(error);
      n++;
    }
    return n;
  }
}
