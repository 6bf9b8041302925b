package dev.sluice.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.openai.responses.ResponsesErrors;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Responses events passed through as they come, public ones only ({@link PublicResponseEvents}):
 * {@code codex.rate_limits} goes to the pool and, like any other backend-only or unreadable event,
 * not to the client. A {@code response.failed}/{@code error} before any output item becomes an error
 * (an HTTP error when nothing was sent yet); after that it is passed on, as the Responses dialect
 * reports failures itself.
 */
final class ResponsesStream extends CodexStream {
  private final Consumer<JsonNode> rateLimits;
  private final Consumer<JsonNode> relayed;
  private boolean committed;
  private boolean ended;
  private TokenUsage usage = TokenUsage.NONE;

  /**
   * @param rateLimits gets the {@code codex.rate_limits} events, or null
   * @param relayed gets every event passed to the client (see {@link RelayedItems#onEvent}), or null
   */
  ResponsesStream(Consumer<JsonNode> rateLimits, Consumer<JsonNode> relayed) {
    this.rateLimits = rateLimits;
    this.relayed = relayed;
  }

  @Override
  void onJson(SseEvent raw, JsonNode event, Consumer<Buffer> out) {
    String type = event.path("type").asText("");
    if (!PublicResponseEvents.isPublic(type)) {
      if (type.equals("codex.rate_limits") && rateLimits != null) {
        rateLimits.accept(event);
      }
      return;
    }
    switch (type) {
      case "response.failed", "error" -> {
        if (!committed) {
          throw ResponsesErrors.fromEvent(event).exception();
        }
        ended = true;
        usage = TokenUsage.fromOpenAi(event.path("response").get("usage"));
      }
      case "response.completed", "response.incomplete" -> {
        ended = true;
        usage = TokenUsage.fromOpenAi(event.path("response").get("usage"));
      }
      default -> {
      }
    }
    if (!PublicResponseEvents.isPrelude(type)) {
      committed = true;
    }
    out.accept(SseWriter.encode(raw));
    if (relayed != null) {
      relayed.accept(event);
    }
  }

  @Override
  public boolean committed() {
    return committed;
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    if (!ended) {
      throw ResponsesErrors.prematureEnd().exception();
    }
  }

  @Override
  public TokenUsage usage() {
    return usage;
  }
}
