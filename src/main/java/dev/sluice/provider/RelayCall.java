package dev.sluice.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.keys.Principal;
import dev.sluice.relay.Endpoint;
import io.vertx.core.MultiMap;

/**
 * One client request, parsed and admitted, as handed to a provider.
 *
 * @param endpoint the operation
 * @param body the JSON body (null for GET)
 * @param stream whether the client asked for an event stream
 * @param requestId the request id (echoed to the client and sent upstream)
 * @param principal who is calling
 * @param clientHeaders the client's request headers (read-only; never forwarded wholesale)
 */
public record RelayCall(Endpoint endpoint, ObjectNode body, boolean stream, String requestId,
                        Principal principal, MultiMap clientHeaders) {

  /** The requested model, or null. */
  public String model() {
    return body == null ? null : body.path("model").isTextual() ? body.get("model").asText() : null;
  }
}
