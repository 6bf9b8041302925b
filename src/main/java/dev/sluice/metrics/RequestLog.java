package dev.sluice.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} requests, newest first, in memory: what the console's request log shows and
 * {@code GET /admin/requests} answers. A ring of the relay's own {@link RequestRecord}s (no header, no
 * key; bodies only with {@code logging.bodies} on), written without a lock from any event loop.
 */
public final class RequestLog implements RequestObserver {
  /** Which requests to list; a null or blank field matches every request. */
  public record Filter(String key, String model, String status, String upstream) {
    public static final Filter ALL = new Filter(null, null, null, null);

    boolean matches(RequestRecord r) {
      return (blank(key) || key.equals(r.keyId()) || key.equals(r.keyName()))
          && (blank(model) || model.equals(r.model()) || model.equals(r.upstreamModel()))
          && (blank(upstream) || upstream.equals(r.upstream()))
          && (blank(status) || statusMatches(status.trim(), r.status()));
    }

    /** {@code 200}, a class ({@code 4xx}), {@code error} (400 and above) or {@code ok} (below 400). */
    static boolean statusMatches(String s, int status) {
      return switch (s) {
        case "error" -> status >= 400;
        case "ok" -> status < 400;
        default -> s.length() == 3 && s.endsWith("xx") ? s.charAt(0) - '0' == status / 100
            : s.equals(Integer.toString(status));
      };
    }

    private static boolean blank(String s) {
      return s == null || s.isBlank();
    }
  }

  private final AtomicReferenceArray<RequestRecord> ring;
  private final AtomicLong written = new AtomicLong();
  private final boolean keepsBodies;

  /** A log of requests without their bodies. */
  public RequestLog(int capacity) {
    this(capacity, false);
  }

  /** @param keepsBodies {@code logging.bodies}: the relay hands over each request's {@link Bodies} */
  public RequestLog(int capacity, boolean keepsBodies) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    ring = new AtomicReferenceArray<>(capacity);
    this.keepsBodies = keepsBodies;
  }

  public int capacity() {
    return ring.length();
  }

  /** Whether requests are kept with their bodies ({@code logging.bodies}). */
  public boolean keepsBodies() {
    return keepsBodies;
  }

  @Override
  public void finished(RequestRecord record) {
    long i = written.getAndIncrement();
    ring.set((int) (i % ring.length()), record);
  }

  /** Up to {@code limit} of the requests still held that match {@code filter}, newest first. */
  public List<RequestRecord> recent(Filter filter, int limit) {
    List<RequestRecord> out = new ArrayList<>(Math.min(limit, ring.length()));
    long end = written.get();
    long start = Math.max(0, end - ring.length());
    for (long i = end - 1; i >= start && out.size() < limit; i--) {
      RequestRecord r = ring.get((int) (i % ring.length()));
      if (r != null && filter.matches(r)) {
        out.add(r);
      }
    }
    return out;
  }
}
