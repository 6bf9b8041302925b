package dev.sluice.provider;

import dev.sluice.sse.SseEvent;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Maps an upstream event stream to the client's, event by event. One instance per stream. Each
 * buffer given to {@code out} is one complete client event (the relay writes and flushes it alone).
 * An upstream error event is signalled by throwing a {@code GatewayException}.
 */
public interface StreamMapper {
  void onEvent(SseEvent event, Consumer<Buffer> out);

  /** The upstream stream ended normally. */
  void onEnd(Consumer<Buffer> out);

  /** Usage seen so far. */
  TokenUsage usage();

  /**
   * Whether the events so far hold something the client must see, beyond what {@link Prefetch} finds
   * in them (text, tool call arguments, reasoning): until then a failure may still go to another target.
   */
  default boolean committed() {
    return false;
  }
}
