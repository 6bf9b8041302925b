package dev.sluice.provider;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.TimeUnit;

/**
 * The tie between one client request and the upstream requests made for it. The relay opens one per
 * request and closes it when the request ends; providers {@link #attach} each upstream request they
 * make, say when its response head arrived ({@link #responded}) and report {@link #progress} whenever
 * upstream bytes arrive.
 *
 * <p>It enforces the two rules that hold in every phase, from the first upstream attempt to the last
 * streamed event: a client that hangs up cancels the upstream request ({@link #cancel}), and an upstream
 * that sends nothing for its timeout is given up on. While an attempt is still being decided, a
 * timeout resets the attempt's request and is remembered ({@link #takeTimeout}) so the router can tell
 * it from other failures; once the relay is {@link #relaying} the reply, the relay's
 * {@code onTimeout} ends the request. One timer per request, re-armed lazily, gone at {@link #close}.
 *
 * <p>All methods run on the request's event loop.
 */
public final class UpstreamLink {
  /** Whether the last attempt timed out, and when. */
  public enum Timeout {
    NONE,
    /** Before the upstream's response head: nothing was answered, another target may be tried. */
    BEFORE_RESPONSE,
    /** After the response head: the upstream took the request; 504, no retry. */
    AFTER_HEADERS
  }

  private final ContextInternal context;
  /** The timer's task, allocated once. */
  private final Runnable expiry = this::expired;
  private long timeoutNanos;
  private Runnable onTimeout;
  private HttpClientRequest current;
  private long lastProgress;
  private ScheduledFuture<?> timer;
  private boolean held;
  private boolean responded;
  private boolean relaying;
  private Timeout timedOut = Timeout.NONE;
  private boolean cancelled;
  private boolean closed;

  private UpstreamLink(Vertx vertx, long timeoutMillis, Runnable onTimeout) {
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.timeoutNanos = timeoutMillis * 1_000_000L;
    this.onTimeout = onTimeout;
    this.lastProgress = System.nanoTime();
  }

  /** Opens a link whose timeout starts now. */
  public static UpstreamLink open(Vertx vertx, long timeoutMillis, Runnable onTimeout) {
    UpstreamLink link = new UpstreamLink(vertx, timeoutMillis, onTimeout);
    link.arm(timeoutMillis);
    return link;
  }

  /** A new upstream attempt starts, with its upstream's timeout: the silence counted so far is forgiven. */
  public void nextAttempt(long timeoutMillis) {
    lastProgress = System.nanoTime();
    responded = false;
    timedOut = Timeout.NONE;
    long nanos = timeoutMillis * 1_000_000L;
    if (closed || nanos <= 0) {
      return;
    }
    if (nanos != timeoutNanos || timer == null) {
      timeoutNanos = nanos;
      disarm();
      arm(timeoutMillis);
    }
  }

  /** The upstream request now in flight; reset at once when the link was already cancelled. */
  public void attach(HttpClientRequest request) {
    if (cancelled || closed) {
      request.reset();
      return;
    }
    current = request;
    responded = false;
    timedOut = Timeout.NONE;
    lastProgress = System.nanoTime();
    if (timer == null && timeoutNanos > 0) {
      arm(timeoutNanos / 1_000_000L);
    }
  }

  /** The attached request's response head arrived. */
  public void responded() {
    responded = true;
    lastProgress = System.nanoTime();
  }

  /** Upstream bytes arrived (headers, a body chunk or an event). */
  public void progress() {
    lastProgress = System.nanoTime();
  }

  /** The relay took the reply and writes it to the client: from now on a timeout ends the request. */
  public void relaying() {
    relaying = true;
    lastProgress = System.nanoTime();
  }

  /** Whether (and when) the last attempt timed out; reading it clears it. */
  public Timeout takeTimeout() {
    Timeout t = timedOut;
    timedOut = Timeout.NONE;
    return t;
  }

  /**
   * While held (the client's write queue is full and the upstream paused), silence is the client's,
   * not the upstream's, and does not time out.
   */
  public void hold(boolean held) {
    this.held = held;
    if (!held) {
      lastProgress = System.nanoTime();
    }
  }

  /** Whether the request was cancelled (client gone, timed out while relayed, shutting down). */
  public boolean cancelled() {
    return cancelled;
  }

  /** Aborts the upstream request in flight; later attempts are refused. */
  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    HttpClientRequest r = current;
    current = null;
    if (r != null) {
      r.reset();
    }
  }

  /** The request ended: the timer goes, references go. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    disarm();
    onTimeout = null;
    current = null;
  }

  /** Reads a whole response body, reporting progress per chunk (so the timeout applies to the body too). */
  public Future<Buffer> body(HttpClientResponse response) {
    progress();
    Promise<Buffer> promise = Promise.promise();
    // a body in one chunk (most) is that chunk, not a copy; a longer one is gathered
    Gathered body = new Gathered();
    response.handler(chunk -> {
      progress();
      body.add(chunk);
    });
    response.exceptionHandler(promise::tryFail);
    response.endHandler(v -> promise.tryComplete(body.buffer()));
    response.resume();
    return promise.future();
  }

  /**
   * The timer is a task on the request's event loop itself: Vert.x's timers add a registry entry
   * (a concurrent map) and a wrapper to every request for a timeout that almost never fires.
   */
  private void arm(long delayMillis) {
    if (timeoutNanos <= 0) {
      return;
    }
    timer = context.nettyEventLoop().schedule(expiry, Math.max(1, delayMillis), TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** On the event loop, outside any context: the work runs on the request's. */
  private void expired() {
    context.dispatch(null, v -> fire());
  }

  private void fire() {
    timer = null;
    if (closed || cancelled) {
      return;
    }
    long idle = System.nanoTime() - lastProgress;
    if (held || idle < timeoutNanos) {
      arm(held ? timeoutNanos / 1_000_000L : (timeoutNanos - idle) / 1_000_000L + 1);
      return;
    }
    HttpClientRequest attempt = current;
    if (!relaying && attempt != null) {
      // the attempt's own failure follows; the router reads why with takeTimeout()
      timedOut = responded ? Timeout.AFTER_HEADERS : Timeout.BEFORE_RESPONSE;
      current = null;
      attempt.reset();
      return;
    }
    Runnable r = onTimeout;
    if (r != null) {
      r.run();
    }
    cancel();
  }

  /** A body's chunks: the first as it came, a copy only once a second one arrives. */
  private static final class Gathered {
    private Buffer buffer;
    private boolean owned;

    void add(Buffer chunk) {
      if (buffer == null) {
        buffer = chunk;
      } else {
        if (!owned) {
          buffer = Buffer.buffer(2 * (buffer.length() + chunk.length())).appendBuffer(buffer);
          owned = true;
        }
        buffer.appendBuffer(chunk);
      }
    }

    Buffer buffer() {
      return buffer == null ? Buffer.buffer() : buffer;
    }
  }
}
