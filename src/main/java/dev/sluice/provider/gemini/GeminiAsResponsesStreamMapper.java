package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.gemini.GenerateContentToChatStream;
import dev.sluice.dialect.openai.responses.ChatToResponsesStream;
import dev.sluice.json.Json;
import dev.sluice.provider.ChatUsage;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Gemini stream relayed to a Responses client: Gemini events → chat chunks
 * ({@link GenerateContentToChatStream}) → Responses events ({@link ChatToResponsesStream}), each
 * Responses event its own SSE event with its {@code event:} line.
 */
final class GeminiAsResponsesStreamMapper implements StreamMapper {
  private final GenerateContentToChatStream chat;
  private final ChatToResponsesStream responses;

  GeminiAsResponsesStreamMapper(String clientModel, JsonNode request, Clock clock, Supplier<String> nonces) {
    this.chat = new GenerateContentToChatStream(clientModel, true, clock, nonces);
    this.responses = new ChatToResponsesStream(request, UUID.randomUUID().toString().replace("-", ""), clock);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    JsonNode data = GeminiEvents.parse(event);
    if (data == null) {
      return;
    }
    for (ObjectNode chunk : chat.onEvent(data)) {
      write(responses.onChunk(chunk), out);
    }
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    if (!responses.finished()) {
      for (ObjectNode chunk : chat.onEnd()) {
        write(responses.onChunk(chunk), out);
      }
      write(responses.onDone(), out);
    }
  }

  @Override
  public TokenUsage usage() {
    return ChatUsage.toRecord(chat.usage());
  }

  private static void write(List<ObjectNode> events, Consumer<Buffer> out) {
    for (ObjectNode e : events) {
      out.accept(SseWriter.encode(new SseEvent(e.path("type").asText(), Json.write(e), null)));
    }
  }
}
