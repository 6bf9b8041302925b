package dev.sluice.provider.codex;

import dev.sluice.provider.ChatUsage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.openai.chat.ResponsesToChatStream;
import dev.sluice.dialect.openai.responses.ResponsesErrors;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/** Responses events to {@code chat.completion.chunk} events, then {@code [DONE]}. */
final class ChatStream extends CodexStream {
  private final ResponsesToChatStream translator;
  private boolean wrote;
  private boolean done;

  ChatStream(String model, boolean includeUsage, Clock clock, Consumer<JsonNode> rateLimits) {
    this.translator = new ResponsesToChatStream(model, includeUsage, clock, rateLimits);
  }

  @Override
  void onJson(SseEvent raw, JsonNode event, Consumer<Buffer> out) {
    List<String> payloads = translator.onEvent(event);
    for (String p : payloads) {
      wrote = true;
      out.accept(SseWriter.data(p));
    }
    if (translator.finished() && !done) {
      done = true;
      out.accept(SseWriter.DONE);
    }
  }

  @Override
  public boolean committed() {
    return wrote;
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    if (!translator.finished()) {
      throw ResponsesErrors.prematureEnd().exception();
    }
  }

  @Override
  public TokenUsage usage() {
    return ChatUsage.toRecord(translator.usage());
  }
}
