package dev.sluice.provider;

import dev.sluice.usage.TokenUsage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** What a provider answers: a complete body, or an event stream for the relay to map and copy. */
public sealed interface Reply {
  int status();

  /** Upstream response headers worth passing on (the relay drops hop-by-hop ones). */
  MultiMap headers();

  /** Upstream account that served the request, or null. */
  String account();

  /** A complete body (JSON, or an upstream 4xx relayed as it came). */
  record Body(int status, MultiMap headers, Buffer body, TokenUsage usage, String account) implements Reply {
  }

  /**
   * An event stream. {@code source} is paused; the relay resumes it once its handlers are set.
   * {@code cancel} aborts the upstream request (client hung up).
   */
  record Stream(int status, MultiMap headers, ReadStream<Buffer> source, Runnable cancel,
                StreamMapper mapper, String account) implements Reply {
  }
}
