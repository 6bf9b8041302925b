package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.anthropic.MessagesToChatStream;
import dev.sluice.dialect.anthropic.ReplyPlan;
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

/**
 * An Anthropic Messages stream relayed to a Responses client: Messages events → chat chunks
 * ({@link MessagesToChatStream}) → Responses events ({@link ChatToResponsesStream}), each Responses
 * event its own SSE event with its {@code event:} line.
 */
final class MessagesAsResponsesStreamMapper implements StreamMapper {
  private final MessagesToChatStream chat;
  private final ChatToResponsesStream responses;

  MessagesAsResponsesStreamMapper(String clientModel, JsonNode request, ReplyPlan plan, Clock clock) {
    this.chat = new MessagesToChatStream(clientModel, true, clock, plan);
    this.responses = new ChatToResponsesStream(request, UUID.randomUUID().toString().replace("-", ""), clock);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    JsonNode data = MessagesEvents.parse(event);
    if (data == null) {
      return;
    }
    for (ObjectNode chunk : chat.onEvent(event.event(), data)) {
      write(responses.onChunk(chunk), out);
    }
    if ("message_stop".equals(MessagesEvents.type(event, data)) && !responses.finished()) {
      write(responses.onDone(), out);
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
