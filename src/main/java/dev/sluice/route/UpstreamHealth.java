package dev.sluice.route;

import dev.sluice.error.FailureKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Health of each upstream, shared by every event loop. A run of {@code failureThreshold} failures in a
 * row, or one 429 with a {@code Retry-After}, puts the upstream on a cooldown; once it is over one
 * request probes it (half-open) while the others keep skipping it; the probe's outcome decides. A
 * cooldown is only ever extended, never shortened, by a later failure.
 */
public final class UpstreamHealth {
  /** What {@code GET /admin/upstreams} shows of one upstream. */
  public record Snapshot(String upstream, String state, int consecutiveFailures, long cooldownRemainingMillis,
                         String lastError, long lastErrorAgoMillis) {
  }

  private static final class State {
    int failures;
    long coolUntil;
    boolean probing;
    String lastError;
    long lastErrorAt = Long.MIN_VALUE;
  }

  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final int failureThreshold;
  private final long cooldownNanos;
  private final LongSupplier nanoTime;

  public UpstreamHealth(int failureThreshold, long cooldownMillis, LongSupplier nanoTime) {
    this.failureThreshold = failureThreshold;
    this.cooldownNanos = cooldownMillis * 1_000_000L;
    this.nanoTime = nanoTime;
  }

  private State state(String upstream) {
    return states.computeIfAbsent(upstream, k -> new State());
  }

  /**
   * Whether a request may go to the upstream now; when its cooldown just ended, the caller becomes the
   * probe and others are kept away until {@link #succeeded} or {@link #failed}.
   */
  public boolean admit(String upstream) {
    State s = state(upstream);
    synchronized (s) {
      if (s.coolUntil == 0) {
        return true;
      }
      if (nanoTime.getAsLong() - s.coolUntil < 0 || s.probing) {
        return false;
      }
      s.probing = true;
      return true;
    }
  }

  /** When the upstream's cooldown ends (nanoTime), or 0 when it has none. */
  public long coolUntil(String upstream) {
    State s = state(upstream);
    synchronized (s) {
      return s.coolUntil;
    }
  }

  public void succeeded(String upstream) {
    State s = state(upstream);
    synchronized (s) {
      s.failures = 0;
      s.coolUntil = 0;
      s.probing = false;
    }
  }

  /** A failure of the upstream's own ({@link FailureKind#tryNext()}); others are not its health's business. */
  public void failed(String upstream, FailureKind kind, long retryAfterMillis, String message) {
    if (!kind.tryNext()) {
      return;
    }
    State s = state(upstream);
    long now = nanoTime.getAsLong();
    synchronized (s) {
      s.failures++;
      s.lastError = message;
      s.lastErrorAt = now;
      long until = 0;
      if (kind == FailureKind.RATE_LIMITED && retryAfterMillis > 0) {
        until = now + retryAfterMillis * 1_000_000L;
      } else if (s.failures >= failureThreshold || s.probing) {
        until = now + cooldownNanos;
      }
      if (until != 0 && (s.coolUntil == 0 || until - s.coolUntil > 0)) {
        s.coolUntil = until;
      }
      s.probing = false;
    }
  }

  /** Every upstream's state, for the admin API. */
  public List<Snapshot> snapshot(List<String> upstreams) {
    long now = nanoTime.getAsLong();
    List<Snapshot> out = new ArrayList<>();
    Map<String, State> ordered = new LinkedHashMap<>();
    upstreams.forEach(u -> ordered.put(u, state(u)));
    ordered.forEach((name, s) -> {
      synchronized (s) {
        long left = s.coolUntil == 0 ? 0 : Math.max(0, (s.coolUntil - now) / 1_000_000L);
        String st = s.coolUntil == 0 ? "healthy" : left > 0 ? "cooling_down" : "probing";
        out.add(new Snapshot(name, st, s.failures, left, s.lastError,
            s.lastErrorAt == Long.MIN_VALUE ? -1 : (now - s.lastErrorAt) / 1_000_000L));
      }
    });
    return out;
  }
}
