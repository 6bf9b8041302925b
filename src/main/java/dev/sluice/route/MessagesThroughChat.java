package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.anthropic.inbound.AnthropicErrorBody;
import dev.sluice.dialect.anthropic.inbound.ChatStreamToMessages;
import dev.sluice.dialect.anthropic.inbound.ChatToMessagesResponse;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import dev.sluice.provider.Reply;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenEstimate;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Anthropic Messages clients served by an upstream that does not speak Messages: the request goes as
 * chat completions ({@link ThroughChat}), the chat answer comes
 * back as Messages: a body through {@link ChatToMessagesResponse}, a stream event by event through
 * {@link ChatStreamToMessages}, an upstream error body in Anthropic's error shape.
 */
final class MessagesThroughChat {
  private MessagesThroughChat() {
  }

  /** A chat answer as the Messages client expects it. */
  static Reply toMessages(Reply chat, String clientModel, JsonNode request) {
    return switch (chat) {
      case Reply.Body b when b.status() < 300 -> messageBody(b, clientModel);
      case Reply.Body b -> errorBody(b);
      case Reply.Stream s -> new Reply.Stream(s.status(), s.headers(), s.source(), s.cancel(),
          streamMapper(s.mapper(), clientModel, TokenEstimate.promptTokens(request)), s.account());
    };
  }

  private static Reply messageBody(Reply.Body b, String clientModel) {
    try {
      ObjectNode message = ChatToMessagesResponse.translate((ObjectNode) Json.parse(b.body().getBytes()),
          clientModel);
      return new Reply.Body(b.status(), json(), Buffer.buffer(Json.write(message)), b.usage(), b.account());
    } catch (IOException | RuntimeException e) {
      return errorBody(new Reply.Body(502, b.headers(), Buffer.buffer(), b.usage(), b.account()));
    }
  }

  /** An upstream's OpenAI-shaped error body, with its status and message, in Anthropic's shape. */
  private static Reply errorBody(Reply.Body b) {
    String message = "upstream answered HTTP " + b.status();
    try {
      JsonNode err = Json.parse(b.body().getBytes()).path("error");
      if (err.path("message").isTextual()) {
        message = err.get("message").asText();
      }
    } catch (IOException | RuntimeException e) {
      // keep the generic message
    }
    ApiError error = ApiError.of(b.status(), ApiError.INVALID_REQUEST, message, null);
    MultiMap h = json();
    String retry = b.headers().get(HttpHeaders.RETRY_AFTER);
    if (retry != null) {
      h.add(HttpHeaders.RETRY_AFTER, retry);
    }
    return new Reply.Body(b.status(), h, Buffer.buffer(Json.write(AnthropicErrorBody.of(error))), b.usage(),
        b.account());
  }

  private static MultiMap json() {
    return MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
  }

  /** The provider's chat stream as Messages events, each its own SSE event with its {@code event:} line. */
  static StreamMapper streamMapper(StreamMapper chat, String clientModel, long promptEstimate) {
    ChatStreamToMessages messages = new ChatStreamToMessages(clientModel,
        UUID.randomUUID().toString().replace("-", ""), promptEstimate);
    return new TranslatedChatStream(chat, new TranslatedChatStream.Translation() {
      @Override
      public List<Buffer> onChunk(JsonNode chunk) {
        return encode(messages.onChunk(chunk));
      }

      @Override
      public List<Buffer> onDone() {
        return encode(messages.onDone());
      }
    });
  }

  private static List<Buffer> encode(List<ChatStreamToMessages.Event> events) {
    return events.stream().map(e -> SseWriter.encode(new SseEvent(e.type(), Json.write(e.data()), null))).toList();
  }
}
