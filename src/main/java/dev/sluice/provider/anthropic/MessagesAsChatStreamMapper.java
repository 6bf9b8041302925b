package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.anthropic.MessagesToChatStream;
import dev.sluice.dialect.anthropic.ReplyPlan;
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

/**
 * An Anthropic Messages stream relayed to a chat completions client: each upstream event becomes the
 * chat chunks {@link MessagesToChatStream} makes of it, one SSE event each, then {@code [DONE]}.
 */
final class MessagesAsChatStreamMapper implements StreamMapper {
  private final MessagesToChatStream translator;
  private boolean done;

  MessagesAsChatStreamMapper(String clientModel, boolean includeUsage, ReplyPlan plan, Clock clock) {
    this.translator = new MessagesToChatStream(clientModel, includeUsage, clock, plan);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    JsonNode data = MessagesEvents.parse(event);
    if (data == null) {
      return;
    }
    write(translator.onEvent(event.event(), data), out);
    if ("message_stop".equals(MessagesEvents.type(event, data))) {
      finish(out);
    }
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    if (!done) {
      write(translator.onEnd(), out);
      finish(out);
    }
  }

  private void finish(Consumer<Buffer> out) {
    if (!done && translator.finished()) {
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
