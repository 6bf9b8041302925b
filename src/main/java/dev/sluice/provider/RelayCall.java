package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.keys.Principal;
import dev.sluice.api.Endpoint;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One client request, parsed and admitted, as handed to a provider.
 *
 * @param endpoint the operation
 * @param body the JSON body (null for GET)
 * @param stream whether the client asked for an event stream
 * @param requestId the request id (echoed to the client and sent upstream)
 * @param principal who is calling
 * @param clientHeaders the client's request headers (read-only; never forwarded wholesale)
 * @param rawBody the body bytes as the client sent them (null for GET); a provider that forwards
 *     the body unchanged sends these instead of serialising {@code body} again
 * @param link where the provider attaches its upstream requests and reports upstream progress
 * @param attempts where the router notes each upstream attempt
 */
public record RelayCall(Endpoint endpoint, ObjectNode body, boolean stream, String requestId,
                        Principal principal, MultiMap clientHeaders, Buffer rawBody, UpstreamLink link,
                        AttemptLog attempts) {

  /** The same call asking the upstream for another model (a route's rename); the body is re-serialised. */
  public RelayCall withModel(String upstreamModel) {
    if (body == null || upstreamModel == null || upstreamModel.equals(model())) {
      return this;
    }
    ObjectNode renamed = body.deepCopy();
    renamed.put("model", upstreamModel);
    return new RelayCall(endpoint, renamed, stream, requestId, principal, clientHeaders, null, link, attempts);
  }

  /** The requested model, or null. */
  public String model() {
    return modelOf(body);
  }

  /** The {@code model} of a request body, or null when absent or not a string. */
  public static String modelOf(JsonNode body) {
    return body != null && body.path("model").isTextual() ? body.get("model").asText() : null;
  }
}
