package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.gemini.inbound.ChatStreamToGenerateContent;
import dev.sluice.dialect.gemini.inbound.ChatToGenerateContentResponse;
import dev.sluice.dialect.gemini.inbound.GeminiCountTokens;
import dev.sluice.dialect.gemini.inbound.GeminiErrorBody;
import dev.sluice.dialect.gemini.inbound.GenerateContentToChat;
import dev.sluice.json.Json;
import dev.sluice.provider.Reply;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseWriter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Gemini clients served by an upstream that does not speak Gemini: the request goes as chat
 * completions ({@link ThroughChat}), the chat answer comes back as Gemini's: a body through
 * {@link ChatToGenerateContentResponse}, a stream event by event through
 * {@link ChatStreamToGenerateContent}, an upstream error body in Google's error shape.
 */
final class GenerateContentThroughChat {
  private GenerateContentThroughChat() {
  }

  /** A chat answer as the Gemini client expects it. */
  static Reply toGemini(Reply chat, String clientModel, JsonNode request) {
    boolean thoughts = GenerateContentToChat.includeThoughts(request);
    return switch (chat) {
      case Reply.Body b when b.status() < 300 -> responseBody(b, clientModel, thoughts);
      case Reply.Body b -> errorBody(b);
      case Reply.Stream s -> new Reply.Stream(s.status(), s.headers(), s.source(), s.cancel(),
          streamMapper(s.mapper(), clientModel, GeminiCountTokens.tokens(request), thoughts), s.account());
    };
  }

  private static Reply responseBody(Reply.Body b, String clientModel, boolean thoughts) {
    try {
      ObjectNode response = ChatToGenerateContentResponse.translate(
          (ObjectNode) Json.parse(b.body().getBytes()), clientModel, thoughts);
      return new Reply.Body(b.status(), json(), Buffer.buffer(Json.write(response)), b.usage(), b.account());
    } catch (IOException | RuntimeException e) {
      return errorBody(new Reply.Body(502, b.headers(), Buffer.buffer(), b.usage(), b.account()));
    }
  }

  /** An upstream's error body, with its status and message, in Google's shape. */
  private static Reply errorBody(Reply.Body b) {
    String retry = b.headers().get(HttpHeaders.RETRY_AFTER);
    MultiMap h = json();
    if (retry != null) {
      h.add(HttpHeaders.RETRY_AFTER, retry);
    }
    ObjectNode body = GeminiErrorBody.ofUpstream(b.status(), b.body().getBytes(), retry);
    return new Reply.Body(b.status(), h, Buffer.buffer(Json.write(body)), b.usage(), b.account());
  }

  private static MultiMap json() {
    return MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
  }

  /** The provider's chat stream as Gemini stream responses, each its own {@code data:} event. */
  static StreamMapper streamMapper(StreamMapper chat, String clientModel, long promptEstimate, boolean thoughts) {
    ChatStreamToGenerateContent gemini = new ChatStreamToGenerateContent(clientModel,
        UUID.randomUUID().toString().replace("-", ""), promptEstimate, thoughts);
    return new TranslatedChatStream(chat, new TranslatedChatStream.Translation() {
      @Override
      public List<Buffer> onChunk(JsonNode chunk) {
        return encode(gemini.onChunk(chunk));
      }

      @Override
      public List<Buffer> onDone() {
        return encode(gemini.onDone());
      }
    });
  }

  private static List<Buffer> encode(List<ObjectNode> responses) {
    return responses.stream().map(r -> SseWriter.data(Json.write(r))).toList();
  }
}
