package dev.sluice.metrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last hour in 10-second buckets, for the console's overview charts: requests, errors, latency and
 * time-to-first-byte percentiles (from fixed histogram buckets: a percentile is the upper bound of the
 * bucket it falls in) and tokens by model (at most {@link #MODELS_PER_BUCKET} models a bucket, the rest
 * as {@code other}). Everything stays in memory; a restart starts it afresh.
 */
public final class Timeline implements RequestObserver {
  public static final int BUCKET_SECONDS = 10;
  static final int BUCKETS = 360;
  static final int MODELS_PER_BUCKET = 12;
  /** Upper bounds of the histogram buckets, in milliseconds; one more bucket holds everything above. */
  static final long[] BOUNDS = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 1500,
      2000, 3000, 5000, 7000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000};

  /** One bucket as the console draws it; percentiles are -1 when the bucket saw no request. */
  public record Point(long epochSecond, long requests, long errors, long p50Millis, long p99Millis,
                      long ttfbP50Millis, long ttfbP99Millis, Map<String, Long> tokensByModel) {
  }

  private static final class Bucket {
    long slot = -1;
    long requests;
    long errors;
    final long[] latency = new long[BOUNDS.length + 1];
    final long[] ttfb = new long[BOUNDS.length + 1];
    long ttfbCount;
    final Map<String, long[]> tokens = new LinkedHashMap<>();

    void reset(long slot) {
      this.slot = slot;
      requests = 0;
      errors = 0;
      ttfbCount = 0;
      Arrays.fill(latency, 0);
      Arrays.fill(ttfb, 0);
      tokens.clear();
    }
  }

  private final Bucket[] ring = new Bucket[BUCKETS];
  private final Clock clock;

  public Timeline(Clock clock) {
    this.clock = clock;
    for (int i = 0; i < BUCKETS; i++) {
      ring[i] = new Bucket();
    }
  }

  @Override
  public void finished(RequestRecord r) {
    long slot = r.epochMillis() / 1000 / BUCKET_SECONDS;
    Bucket b = ring[(int) (slot % BUCKETS)];
    synchronized (b) {
      if (b.slot != slot) {
        if (b.slot > slot) {
          return; // older than the hour kept
        }
        b.reset(slot);
      }
      b.requests++;
      if (r.failed()) {
        b.errors++;
      }
      b.latency[bucketOf(r.latencyMillis())]++;
      if (r.ttfbMillis() >= 0) {
        b.ttfb[bucketOf(r.ttfbMillis())]++;
        b.ttfbCount++;
      }
      long tokens = r.usage() == null ? 0 : r.usage().totalTokens();
      if (tokens > 0 && r.model() != null) {
        long[] n = b.tokens.get(r.model());
        if (n == null) {
          n = b.tokens.computeIfAbsent(b.tokens.size() < MODELS_PER_BUCKET ? r.model() : "other", k -> new long[1]);
        }
        n[0] += tokens;
      }
    }
  }

  static int bucketOf(long millis) {
    for (int i = 0; i < BOUNDS.length; i++) {
      if (millis <= BOUNDS[i]) {
        return i;
      }
    }
    return BOUNDS.length;
  }

  /** The percentile {@code q} (0..1) of a histogram: the upper bound of its bucket; -1 when empty. */
  static long percentile(long[] counts, long total, double q) {
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return i < BOUNDS.length ? BOUNDS[i] : BOUNDS[BOUNDS.length - 1] * 2;
      }
    }
    return -1;
  }

  /** Every bucket of the last {@code minutes} (at most 60), oldest first, empty ones included. */
  public List<Point> points(int minutes) {
    int n = Math.clamp(minutes * 60L / BUCKET_SECONDS, 1, BUCKETS);
    long now = clock.millis() / 1000 / BUCKET_SECONDS;
    List<Point> out = new ArrayList<>(n);
    for (long slot = now - n + 1; slot <= now; slot++) {
      Bucket b = ring[(int) (slot % BUCKETS)];
      synchronized (b) {
        long start = slot * BUCKET_SECONDS;
        if (b.slot != slot) {
          out.add(new Point(start, 0, 0, -1, -1, -1, -1, Map.of()));
          continue;
        }
        Map<String, Long> tokens = new LinkedHashMap<>();
        b.tokens.forEach((m, c) -> tokens.put(m, c[0]));
        out.add(new Point(start, b.requests, b.errors, percentile(b.latency, b.requests, 0.5),
            percentile(b.latency, b.requests, 0.99), percentile(b.ttfb, b.ttfbCount, 0.5),
            percentile(b.ttfb, b.ttfbCount, 0.99), tokens));
      }
    }
    return out;
  }
}
