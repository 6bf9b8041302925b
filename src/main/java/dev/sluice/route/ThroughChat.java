package dev.sluice.route;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.provider.Provider;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import io.vertx.core.Future;

/**
 * A client dialect's request served by an upstream that does not speak it: sent as chat completions
 * (the hub body the relay translated, and checked, once: {@link RelayCall#hub()}), the chat answer
 * turned back into the client's dialect by {@link MessagesThroughChat} or
 * {@link GenerateContentThroughChat}.
 */
final class ThroughChat {
  private ThroughChat() {
  }

  /** Whether {@code p} can serve {@code endpoint} itself or through chat completions. */
  static boolean serves(Provider p, Endpoint endpoint) {
    return p.serves(endpoint) || endpoint.dialect() != Dialect.OPENAI && p.serves(Endpoint.CHAT_COMPLETIONS);
  }

  /** Sends {@code attempt} to {@code provider} as chat completions and answers in the client's dialect. */
  static Future<Reply> send(Provider provider, RelayCall attempt, RelayCall original) {
    Future<Reply> chat = provider.send(chatCall(attempt));
    return switch (attempt.endpoint().dialect()) {
      case ANTHROPIC -> chat.map(r -> MessagesThroughChat.toMessages(r, original.model(), original.body()));
      case GEMINI -> chat.map(r -> GenerateContentThroughChat.toGemini(r, original.model(), original.body()));
      case OPENAI -> chat;
    };
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
}
