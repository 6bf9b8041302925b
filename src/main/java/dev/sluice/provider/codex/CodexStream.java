package dev.sluice.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Maps the Codex backend's Responses event stream to the client's stream. One instance per stream.
 * {@link #committed()} tells when the client must have seen something: until then an upstream
 * failure can still become an HTTP error (see {@link Prefetch}).
 */
abstract class CodexStream implements StreamMapper {
  /** The client dialect of a stream. */
  enum Kind { CHAT, RESPONSES }

  @Override
  public final void onEvent(SseEvent event, Consumer<Buffer> out) {
    String data = event.data();
    if (data.isEmpty() || "[DONE]".equals(data)) {
      return;
    }
    JsonNode node;
    try {
      node = Json.parse(data);
    } catch (Exception e) {
      onUnreadable(event, out);
      return;
    }
    if (node == null || !node.isObject()) {
      onUnreadable(event, out);
      return;
    }
    onJson(event, node, out);
  }

  /** One parsed upstream event; throws {@code GatewayException} when it is a failure the client must see. */
  abstract void onJson(SseEvent raw, JsonNode event, Consumer<Buffer> out);

  void onUnreadable(SseEvent raw, Consumer<Buffer> out) {
  }

  /** Whether output that the client must see has been produced. */
  @Override
  public abstract boolean committed();
}
