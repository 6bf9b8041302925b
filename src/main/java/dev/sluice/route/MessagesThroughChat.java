package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.anthropic.inbound.AnthropicErrorBody;
import dev.sluice.dialect.anthropic.inbound.ChatStreamToMessages;
import dev.sluice.dialect.anthropic.inbound.ChatToMessagesResponse;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseParser;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenEstimate;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Anthropic Messages clients served by an upstream that does not speak Messages: the request goes as
 * chat completions (translated once, by the relay, into {@link RelayCall#hub()}), the chat answer comes
 * back as Messages: a body through {@link ChatToMessagesResponse}, a stream event by event through
 * {@link ChatStreamToMessages}, an upstream error body in Anthropic's error shape.
 */
final class MessagesThroughChat {
  private MessagesThroughChat() {
  }

  /** The attempt as a chat completions call to the upstream (the hub body, renamed like the attempt). */
  static RelayCall chatCall(RelayCall attempt) {
    ObjectNode chat = attempt.hub();
    String model = attempt.model();
    if (model != null && !model.equals(chat.path("model").asText(null))) {
      chat = chat.deepCopy().put("model", model);
    }
    return new RelayCall(Endpoint.CHAT_COMPLETIONS, chat, attempt.stream(), attempt.requestId(), attempt.principal(),
        attempt.clientHeaders(), null, attempt.link(), attempt.attempts(), attempt.mayFallBack(), chat);
  }

  /** A chat answer as the Messages client expects it. */
  static Reply toMessages(Reply chat, String clientModel, JsonNode request) {
    return switch (chat) {
      case Reply.Body b when b.status() < 300 -> messageBody(b, clientModel);
      case Reply.Body b -> errorBody(b);
      case Reply.Stream s -> new Reply.Stream(s.status(), s.headers(), s.source(), s.cancel(),
          new ChatAsMessagesStreamMapper(s.mapper(), clientModel, TokenEstimate.promptTokens(request)), s.account());
    };
  }

  private static Reply messageBody(Reply.Body b, String clientModel) {
    try {
      ObjectNode message = ChatToMessagesResponse.translate((ObjectNode) Json.MAPPER.readTree(b.body().getBytes()),
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
      JsonNode err = Json.MAPPER.readTree(b.body().getBytes()).path("error");
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

  /**
   * Wraps the provider's chat stream mapper: each chat chunk it would send becomes the Messages events
   * {@link ChatStreamToMessages} makes of it, each its own SSE event with its {@code event:} line.
   */
  static final class ChatAsMessagesStreamMapper implements StreamMapper {
    private final StreamMapper chat;
    private final ChatStreamToMessages messages;
    private final SseParser chunks;
    private Consumer<Buffer> out;

    ChatAsMessagesStreamMapper(StreamMapper chat, String clientModel, long promptEstimate) {
      this.chat = chat;
      this.messages = new ChatStreamToMessages(clientModel, UUID.randomUUID().toString().replace("-", ""),
          promptEstimate);
      this.chunks = new SseParser(this::onChunk);
    }

    private void onChunk(SseEvent e) {
      if ("[DONE]".equals(e.data())) {
        write(messages.onDone());
        return;
      }
      try {
        write(messages.onChunk(Json.MAPPER.readTree(e.data())));
      } catch (IOException ignored) {
        // not a chunk: nothing to say
      }
    }

    private void write(List<ChatStreamToMessages.Event> events) {
      for (ChatStreamToMessages.Event e : events) {
        out.accept(SseWriter.encode(new SseEvent(e.type(), Json.write(e.data()), null)));
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
      write(messages.onDone());
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
}
