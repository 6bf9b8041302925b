package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.anthropic.AnthropicErrors;
import dev.sluice.dialect.anthropic.AnthropicUsage;
import dev.sluice.provider.ChatUsage;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * An Anthropic stream to an Anthropic client: every event passes as it came; only
 * {@code message_start} and {@code message_delta} are read, for usage, and an {@code error} event ends
 * the stream as the relay's error.
 */
final class MessagesPassthroughStreamMapper implements StreamMapper {
  private AnthropicUsage usage = AnthropicUsage.ZERO;

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    String type = event.event();
    if ("message_start".equals(type) || "message_delta".equals(type) || "error".equals(type) || type == null) {
      JsonNode data = MessagesEvents.parse(event);
      if (data != null) {
        switch (MessagesEvents.type(event, data)) {
          case "message_start" -> usage = AnthropicUsage.from(data.path("message").path("usage"));
          case "message_delta" -> usage = usage.updatedBy(data.path("usage"));
          case "error" -> throw AnthropicErrors.fromStreamEvent(data);
          default -> {
          }
        }
      }
    }
    out.accept(SseWriter.encode(event));
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    // an upstream that ends without message_stop is passed on as it came
  }

  @Override
  public TokenUsage usage() {
    return ChatUsage.toRecord(usage.toTokenUsage());
  }
}
