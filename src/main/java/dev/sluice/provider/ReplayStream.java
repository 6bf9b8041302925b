package dev.sluice.provider;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The upstream stream as the relay reads it after a {@link Prefetch}: the bytes already read, then
 * the rest of the (paused) upstream. Starts paused. Used on the upstream's event loop only.
 */
public final class ReplayStream implements ReadStream<Buffer> {
  private final ReadStream<Buffer> upstream;
  private Buffer head;
  private final boolean upstreamEnded;
  private boolean paused = true;
  private boolean endDelivered;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  public ReplayStream(ReadStream<Buffer> upstream, Prefetch.Head prefetched) {
    this.upstream = upstream;
    this.head = prefetched.raw().length() == 0 ? null : prefetched.raw();
    this.upstreamEnded = prefetched.ended();
    if (!upstreamEnded) {
      upstream.handler(b -> {
        if (handler != null) {
          handler.handle(b);
        }
      });
      upstream.endHandler(v -> deliverEnd());
      upstream.exceptionHandler(t -> {
        if (exceptionHandler != null) {
          exceptionHandler.handle(t);
        }
      });
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    handler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    if (!upstreamEnded) {
      upstream.pause();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    if (head != null && handler != null) {
      Buffer b = head;
      head = null;
      handler.handle(b);
    }
    if (paused || head != null) {
      return this;
    }
    if (upstreamEnded) {
      deliverEnd();
    } else {
      upstream.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return amount > 0 ? resume() : this;
  }

  private void deliverEnd() {
    if (!endDelivered) {
      endDelivered = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }
}
