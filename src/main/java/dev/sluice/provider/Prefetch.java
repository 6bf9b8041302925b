package dev.sluice.provider;

import dev.sluice.api.Dialect;
import dev.sluice.error.GatewayException;
import dev.sluice.sse.SseParser;
import dev.sluice.usage.TokenEstimate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Reads an upstream event stream until a probe mapper has produced client-visible output (text, tool
 * call arguments or reasoning in its events, or its own {@link StreamMapper#committed()}),
 * so that a failure before that point is answered with an HTTP error instead of a stream. The bytes
 * read are kept: the stream handed to the relay ({@link ReplayStream}) delivers them again, in
 * front of the rest, to a fresh mapper.
 */
public final class Prefetch {
  /** What was read before the decision; {@code ended} when the upstream already ended. */
  public record Head(Buffer raw, boolean ended) {
  }

  /** A transport failure before the decision (the account may be retried). */
  public static final class TransportFailure extends RuntimeException {
    public TransportFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private Prefetch() {
  }

  /**
   * Resumes the paused {@code source} and completes once {@code probe} committed (the source is then
   * paused again) or the source ended; {@code onData} runs per chunk read. Fails with the probe's
   * {@link GatewayException}, or with a
   * {@link TransportFailure}.
   */
  public static Future<Head> run(ReadStream<Buffer> source, StreamMapper probe, Runnable onData) {
    return run(source, probe, onData, Dialect.OPENAI);
  }

  /** The same for a probe whose events are in {@code dialect} (where to look for output in them). */
  public static Future<Head> run(ReadStream<Buffer> source, StreamMapper probe, Runnable onData, Dialect dialect) {
    Promise<Head> promise = Promise.promise();
    Buffer raw = Buffer.buffer();
    boolean[] decided = {false};
    TokenEstimate output = new TokenEstimate(dialect);
    SseParser parser = new SseParser(ev -> {
      if (!decided[0]) {
        probe.onEvent(ev, output::relayed);
      }
    });
    source.handler(buf -> {
      onData.run();
      if (decided[0]) {
        return;
      }
      raw.appendBuffer(buf);
      try {
        parser.feed(buf.getBytes());
      } catch (GatewayException e) {
        decided[0] = true;
        promise.tryFail(e);
        return;
      }
      if (probe.committed() || output.hasText()) {
        decided[0] = true;
        source.pause();
        promise.tryComplete(new Head(raw, false));
      }
    });
    source.endHandler(v -> {
      if (decided[0]) {
        return;
      }
      decided[0] = true;
      try {
        parser.flush();
        probe.onEnd(b -> { });
      } catch (GatewayException e) {
        promise.tryFail(e);
        return;
      }
      promise.tryComplete(new Head(raw, true));
    });
    source.exceptionHandler(t -> {
      if (!decided[0]) {
        decided[0] = true;
        promise.tryFail(t instanceof GatewayException ? t : new TransportFailure(t));
      }
    });
    source.resume();
    return promise.future();
  }

  public static GatewayException toGateway(Throwable t) {
    if (t instanceof GatewayException g) {
      return g;
    }
    return new GatewayException(UpstreamFailures.fromThrowable(t instanceof TransportFailure ? t.getCause() : t));
  }
}
