package dev.sluice.provider;

import dev.sluice.api.Endpoint;
import io.vertx.core.Future;

/**
 * An upstream behind the gateway. Implementations translate the call into the upstream's dialect
 * and its answer back; they fail futures with {@code GatewayException} (see
 * {@link UpstreamFailures} for transport failures).
 */
public interface Provider {
  /** The upstream's name (its key under {@code upstreams:}), recorded in usage and shown to clients. */
  String name();

  /** Whether it serves the endpoint, itself or by translation; a route skips targets that do not. */
  boolean serves(Endpoint endpoint);

  /** Serves a POST endpoint. */
  Future<Reply> send(RelayCall call);

  /** The model list as an OpenAI {@code {"object":"list","data":[...]}} body. */
  Future<Reply> models(RelayCall call);
}
