package dev.sluice.route;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.gemini.inbound.GenerateContentToChat;
import dev.sluice.error.GatewayException;
import dev.sluice.provider.Provider;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import io.vertx.core.Future;

/**
 * A client dialect's request served by an upstream that does not speak it: sent as chat completions
 * (the hub body translated, and checked, once per request: {@link #hub}), the chat answer
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

  /**
   * The request as chat completions: the relay's {@link RelayCall#hub()}, or, when the relay left it to
   * the router (a Gemini request whose route has a Gemini target, which takes the body as it came),
   * the body translated now.
   *
   * @throws GatewayException a 400 naming what chat completions cannot express
   */
  static ObjectNode hub(RelayCall call) {
    if (call.hub() != null) {
      return call.hub();
    }
    if (call.endpoint().dialect() != Dialect.GEMINI) {
      throw new IllegalStateException("no chat completions form of a " + call.endpoint() + " request");
    }
    return GenerateContentToChat.translate(call.body(), call.model(), call.stream());
  }

  /**
   * Sends {@code attempt} to {@code provider} as chat completions ({@code hub}, from {@link #hub}) and
   * answers in the client's dialect.
   */
  static Future<Reply> send(Provider provider, RelayCall attempt, RelayCall original, ObjectNode hub) {
    Future<Reply> chat = provider.send(chatCall(attempt, hub));
    return switch (attempt.endpoint().dialect()) {
      case ANTHROPIC -> chat.map(r -> MessagesThroughChat.toMessages(r, original.model(), original.body()));
      case GEMINI -> chat.map(r -> GenerateContentThroughChat.toGemini(r, original.model(), original.body()));
      case OPENAI -> chat;
    };
  }

  /** The attempt as a chat completions call to the upstream (the hub body, renamed like the attempt). */
  static RelayCall chatCall(RelayCall attempt, ObjectNode hub) {
    ObjectNode chat = hub;
    String model = attempt.model();
    if (model != null && !model.equals(chat.path("model").asText(null))) {
      chat = chat.deepCopy().put("model", model);
    }
    return new RelayCall(Endpoint.CHAT_COMPLETIONS, chat, attempt.stream(), attempt.requestId(), attempt.principal(),
        attempt.clientHeaders(), null, attempt.link(), attempt.attempts(), attempt.mayFallBack(), chat);
  }
}
