package dev.sluice.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The load generator of bench/run.sh, for what wrk cannot do. Two modes, each writing its figures
 * as a properties file:
 *
 * <ul>
 *   <li>{@code rate}: non-streaming chat completions at a fixed rate, open loop: each request has
 *   an intended send time on a fixed schedule, and its latency is counted from that time, so a
 *   stalled server is not hidden by a generator that waits for it (no coordinated omission).
 *   <li>{@code streams}: N concurrent streaming chat completions asking the fake for timestamped
 *   chunks; measures time to first byte, the delay of every event (receive time minus the fake's
 *   {@code fake_ts}, both wall clock on this machine), errors and the peak number of streams open
 *   at once.
 * </ul>
 *
 * Arguments are {@code --name=value}. A single event loop runs all connections, so the histograms
 * are touched by one thread only.
 */
public final class LoadGen {
  private static final String MODEL = "gpt-4o-mini";

  private LoadGen() {
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 1; i < argv.length; i++) {
      String s = argv[i];
      int eq = s.indexOf('=');
      a.put(s.substring(2, eq), s.substring(eq + 1));
    }
    Map<String, Object> out = switch (argv[0]) {
      case "rate" -> rate(a);
      case "streams" -> streams(a);
      default -> throw new IllegalArgumentException("mode: rate | streams");
    };
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(out).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Files.writeString(Path.of(a.get("out")), sb.toString());
    System.out.print(sb);
    System.exit(0);
  }

  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static HttpClient client(Vertx vertx, int connections) {
    return vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(30_000)
            .setIdleTimeout(0))
        .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
        .build();
  }

  private static RequestOptions post(String url, String key) {
    return new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json");
  }

  static String chatBody(String text, boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
        + "{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  // ---- fixed rate ----

  private static Map<String, Object> rate(Map<String, String> a) throws InterruptedException {
    String url = a.get("url");
    String key = a.get("key");
    int rate = Integer.parseInt(a.getOrDefault("rate", "1000"));
    double warmup = Double.parseDouble(a.getOrDefault("warmup", "5"));
    double duration = Double.parseDouble(a.getOrDefault("duration", "20"));
    int connections = Integer.parseInt(a.getOrDefault("connections", "64"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient client = client(vertx, connections);
    Buffer body = Buffer.buffer(chatBody("Say hello to the benchmark.", false));
    RequestOptions options = post(url, key);

    Histogram hist = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    long[] maxBySecond = new long[(int) Math.ceil(warmup + duration)];
    long period = 1_000_000_000L / rate;
    long warmupCount = (long) (warmup * rate);
    long total = warmupCount + (long) (duration * rate);
    CountDownLatch finished = new CountDownLatch(1);
    AtomicLong outstanding = new AtomicLong(total);
    long start = System.nanoTime() + 50_000_000L;
    for (long i = 0; i < total; i++) {
      long intended = start + i * period;
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      boolean measured = i >= warmupCount;
      vertx.runOnContext(v -> client.request(options)
          .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> resp.statusCode())))
          .onComplete(ar -> {
            long latency = System.nanoTime() - intended;
            int second = (int) ((intended - start) / 1_000_000_000L);
            if (second < maxBySecond.length) {
              maxBySecond[second] = Math.max(maxBySecond[second], latency);
            }
            if (measured) {
              if (ar.succeeded() && ar.result() == 200) {
                hist.recordValue(Math.min(latency, hist.getHighestTrackableValue()));
                done.incrementAndGet();
              } else {
                errors.incrementAndGet();
              }
            }
            if (outstanding.decrementAndGet() == 0) {
              finished.countDown();
            }
          }));
    }
    long sendEnd = System.nanoTime();
    boolean all = finished.await(30, TimeUnit.SECONDS);
    Map<String, Object> out = new HashMap<>();
    out.put("rate_target", rate);
    out.put("rate_achieved", fmt((total - warmupCount) / ((sendEnd - start) / 1e9 - warmup)));
    out.put("ok", done.get());
    out.put("errors", errors.get() + (all ? 0 : outstanding.get()));
    putMillis(out, "lat", hist);
    StringBuilder bySecond = new StringBuilder();
    for (long m : maxBySecond) {
      bySecond.append(ms(m)).append(' ');
    }
    out.put("max_ms_by_second", bySecond.toString().trim());
    vertx.close();
    return out;
  }

  // ---- streams ----

  /** Per-stream state; touched only on the client's event loop for that connection. */
  private static final class Stream {
    final long sentNanos;
    final StringBuilder pending = new StringBuilder();
    boolean firstByte;
    boolean sawDone;
    boolean ended;

    Stream(long sentNanos) {
      this.sentNanos = sentNanos;
    }
  }

  private static Map<String, Object> streams(Map<String, String> a) throws InterruptedException {
    int n = Integer.parseInt(a.getOrDefault("streams", "1000"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    // --connections caps the client's pool (default: one per stream, all open together)
    HttpClient client = client(vertx, Integer.parseInt(a.getOrDefault("connections", Integer.toString(n))));
    int warmup = Integer.parseInt(a.getOrDefault("warmup-streams", "0"));
    if (warmup > 0) {
      // this JVM's own JIT and its connections first, on the same client: the measured streams then
      // reuse the warm-up's kept-alive connections, as a client that already talks to the server
      // does, and time the server rather than TCP handshakes and this JVM's compiler
      Map<String, String> w = new HashMap<>(a);
      w.put("streams", Integer.toString(warmup));
      // ten events at the measured spacing: each warm-up stream outlasts the ramp, so the pool holds
      // as many connections as the measured streams will want at once
      w.put("chunks", "10");
      w.put("skip", "0");
      streams(vertx, client, w);
    }
    Map<String, Object> out = streams(vertx, client, a);
    vertx.close();
    return out;
  }

  private static Map<String, Object> streams(Vertx vertx, HttpClient client, Map<String, String> a)
      throws InterruptedException {
    String url = a.get("url");
    String key = a.get("key");
    int n = Integer.parseInt(a.getOrDefault("streams", "1000"));
    int chunks = Integer.parseInt(a.getOrDefault("chunks", "100"));
    int intervalMs = Integer.parseInt(a.getOrDefault("interval-ms", "100"));
    long rampMs = Long.parseLong(a.getOrDefault("ramp-ms", "1000"));
    double skipSeconds = Double.parseDouble(a.getOrDefault("skip", "0"));
    Buffer body = Buffer.buffer(chatBody("[timestamps] [chunks=" + chunks + "] [interval_ms=" + intervalMs + "]", true));
    RequestOptions options = post(url, key).putHeader("Accept", "text/event-stream");

    Histogram ttfb = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
    Histogram delay = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger peakOpen = new AtomicInteger();
    AtomicLong events = new AtomicLong();
    Map<String, AtomicInteger> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch finished = new CountDownLatch(n);
    long t0 = System.nanoTime();
    long skipUntilEpoch = epochNanos() + (long) (skipSeconds * 1e9);
    for (int i = 0; i < n; i++) {
      long due = t0 + rampMs * 1_000_000L * i / n;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      vertx.runOnContext(v -> {
        Stream s = new Stream(System.nanoTime());
        java.util.function.Consumer<String> end = kind -> {
          if (s.ended) {
            return;
          }
          s.ended = true;
          if (s.firstByte) {
            open.decrementAndGet();
          }
          if (kind == null) {
            completed.incrementAndGet();
          } else {
            errors.incrementAndGet();
            errorKinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
          }
          finished.countDown();
        };
        client.request(options)
            .compose(req -> req.send(body).map(resp -> {
              resp.pause();
              return resp;
            }))
            .onFailure(t -> end.accept(t.getClass().getSimpleName()))
            .onSuccess(resp -> {
              if (resp.statusCode() != 200) {
                end.accept("status_" + resp.statusCode());
                resp.resume();
                return;
              }
              resp.handler(buf -> {
                long nowEpoch = epochNanos();
                if (!s.firstByte) {
                  s.firstByte = true;
                  ttfb.recordValue(Math.min(System.nanoTime() - s.sentNanos, ttfb.getHighestTrackableValue()));
                  peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                }
                s.pending.append(buf.toString(StandardCharsets.UTF_8));
                int sep;
                while ((sep = s.pending.indexOf("\n\n")) >= 0) {
                  String ev = s.pending.substring(0, sep);
                  s.pending.delete(0, sep + 2);
                  if (ev.equals("data: [DONE]")) {
                    s.sawDone = true;
                    continue;
                  }
                  events.incrementAndGet();
                  long ts = fakeTs(ev);
                  if (ts > 0 && ts >= skipUntilEpoch) {
                    delay.recordValue(Math.max(0, Math.min(nowEpoch - ts, delay.getHighestTrackableValue())));
                  }
                }
              });
              resp.exceptionHandler(t -> end.accept(t.getClass().getSimpleName()));
              resp.endHandler(x -> end.accept(s.sawDone ? null : "no_done"));
              resp.resume();
            });
      });
    }
    long deadline = rampMs + (long) chunks * intervalMs + 30_000;
    boolean all = finished.await(deadline, TimeUnit.MILLISECONDS);
    Map<String, Object> out = new HashMap<>();
    out.put("streams", n);
    out.put("completed", completed.get());
    out.put("errors", errors.get() + (all ? 0 : finished.getCount()));
    out.put("peak_open", peakOpen.get());
    out.put("events", events.get());
    StringBuilder kinds = new StringBuilder();
    errorKinds.forEach((k, v) -> kinds.append(k).append(':').append(v.get()).append(' '));
    if (!all) {
      kinds.append("unfinished:").append(finished.getCount());
    }
    out.put("error_kinds", kinds.toString().trim());
    out.put("wall_s", fmt((System.nanoTime() - t0) / 1e9));
    putMillis(out, "ttfb", ttfb);
    putMillis(out, "delay", delay);
    return out;
  }

  /** The digits after {@code "fake_ts":} in an event, or -1. */
  static long fakeTs(String event) {
    int i = event.indexOf("\"fake_ts\":");
    if (i < 0) {
      return -1;
    }
    i += 10;
    long v = 0;
    while (i < event.length() && Character.isDigit(event.charAt(i))) {
      v = v * 10 + (event.charAt(i++) - '0');
    }
    return v;
  }

  private static void putMillis(Map<String, Object> out, String prefix, Histogram h) {
    out.put(prefix + "_count", h.getTotalCount());
    out.put(prefix + "_p50_ms", ms(h.getValueAtPercentile(50)));
    out.put(prefix + "_p99_ms", ms(h.getValueAtPercentile(99)));
    out.put(prefix + "_p999_ms", ms(h.getValueAtPercentile(99.9)));
    out.put(prefix + "_max_ms", ms(h.getMaxValue()));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }
}
