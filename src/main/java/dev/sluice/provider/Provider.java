package dev.sluice.provider;

import io.vertx.core.Future;

/**
 * An upstream behind the gateway. Implementations translate the call into the upstream's dialect
 * and its answer back; they fail futures with {@code GatewayException} (see
 * {@link UpstreamFailures} for transport failures).
 */
public interface Provider {
  /** Short name recorded in usage ("openai", "codex", ...). */
  String name();

  /** Serves a POST endpoint. */
  Future<Reply> send(RelayCall call);

  /** The model list as an OpenAI {@code {"object":"list","data":[...]}} body. */
  Future<Reply> models(RelayCall call);
}
