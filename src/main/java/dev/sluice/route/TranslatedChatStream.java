package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseParser;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wraps a provider's chat stream mapper for a client of another dialect: each chat chunk it would
 * send is handed to a {@link Translation}, whose events (each one complete client event) go out.
 */
final class TranslatedChatStream implements StreamMapper {
  /** One stream's translation of chat chunks into the client's events. */
  interface Translation {
    List<Buffer> onChunk(JsonNode chunk);

    /** The chat stream ended ({@code [DONE]} or its end): what closes the client's stream, once. */
    List<Buffer> onDone();
  }

  private final StreamMapper chat;
  private final Translation translation;
  private final SseParser chunks;
  private Consumer<Buffer> out;

  TranslatedChatStream(StreamMapper chat, Translation translation) {
    this.chat = chat;
    this.translation = translation;
    this.chunks = new SseParser(this::onChunk);
  }

  private void onChunk(SseEvent e) {
    if ("[DONE]".equals(e.data())) {
      write(translation.onDone());
      return;
    }
    JsonNode chunk;
    try {
      chunk = Json.parse(e.data());
    } catch (IOException ignored) {
      return; // not a chunk: nothing to say
    }
    write(translation.onChunk(chunk));
  }

  private void write(List<Buffer> events) {
    for (Buffer e : events) {
      out.accept(e);
    }
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> sink) {
    out = sink;
    chat.onEvent(event, this::feed);
  }

  @Override
  public void onEnd(Consumer<Buffer> sink) {
    out = sink;
    chat.onEnd(this::feed);
    chunks.flush();
    write(translation.onDone());
  }

  private void feed(Buffer chatEvent) {
    byte[] b = chatEvent.getBytes();
    chunks.feed(b, 0, b.length);
  }

  @Override
  public TokenUsage usage() {
    return chat.usage();
  }

  @Override
  public boolean committed() {
    return chat.committed();
  }
}
