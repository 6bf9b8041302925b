package dev.sluice.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.responses.ChatToResponsesStream;
import dev.sluice.json.Json;
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
 * A chat completions stream relayed to a Responses client: each upstream chunk becomes the Responses
 * events {@link ChatToResponsesStream} makes of it, each written as its own SSE event with its
 * {@code event:} line. An upstream error chunk ends the stream as the relay's error event.
 */
final class ChatAsResponsesStreamMapper implements StreamMapper {
  private final ChatToResponsesStream translator;

  ChatAsResponsesStreamMapper(JsonNode request, Clock clock) {
    this.translator = new ChatToResponsesStream(request, UUID.randomUUID().toString().replace("-", ""), clock);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    String data = event.data();
    if ("[DONE]".equals(data)) {
      write(translator.onDone(), out);
      return;
    }
    JsonNode chunk;
    try {
      chunk = Json.parse(data);
    } catch (Exception e) {
      return;
    }
    if (chunk == null || !chunk.isObject()) {
      return;
    }
    PassthroughStreamMapper.throwIfError(chunk);
    write(translator.onChunk(chunk), out);
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    if (!translator.finished()) {
      write(translator.onDone(), out);
    }
  }

  @Override
  public TokenUsage usage() {
    var u = translator.usage();
    return new TokenUsage(u.promptTokens(), u.completionTokens(), u.cachedTokens(), u.reasoningTokens());
  }

  private static void write(List<ObjectNode> events, Consumer<Buffer> out) {
    for (ObjectNode e : events) {
      out.accept(SseWriter.encode(new SseEvent(e.path("type").asText(), Json.write(e), null)));
    }
  }
}
