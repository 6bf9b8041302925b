package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.gemini.GenerateContentToChatStream;
import dev.sluice.json.Json;
import dev.sluice.provider.ChatUsage;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Gemini stream relayed to a chat completions client: each upstream event becomes the chat chunks
 * {@link GenerateContentToChatStream} makes of it, one SSE event each; at the upstream's end the usage
 * chunk (when asked for) and {@code [DONE]} (Gemini has no end event of its own).
 */
final class GeminiAsChatStreamMapper implements StreamMapper {
  private final GenerateContentToChatStream translator;
  private boolean done;

  GeminiAsChatStreamMapper(String clientModel, boolean includeUsage, Clock clock, Supplier<String> nonces) {
    this.translator = new GenerateContentToChatStream(clientModel, includeUsage, clock, nonces);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    JsonNode data = GeminiEvents.parse(event);
    if (data != null) {
      write(translator.onEvent(data), out);
    }
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    if (!done) {
      write(translator.onEnd(), out);
      done = true;
      out.accept(SseWriter.DONE);
    }
  }

  @Override
  public TokenUsage usage() {
    return ChatUsage.toRecord(translator.usage());
  }

  private static void write(List<ObjectNode> chunks, Consumer<Buffer> out) {
    for (ObjectNode c : chunks) {
      out.accept(SseWriter.data(Json.write(c)));
    }
  }
}
