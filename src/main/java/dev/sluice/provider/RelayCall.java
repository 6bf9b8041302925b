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
 * @param mayFallBack whether another target would be tried if this attempt failed: a provider then
 *     reads a stream up to its first client-visible output before handing it over ({@link Prefetch}),
 *     so that a failure before it can still move on; with one target streams are handed over at once
 * @param hub the request as chat completions, for a client dialect other than OpenAI's (an Anthropic
 *     request translated, and checked, once); the body itself otherwise; null for a Gemini request
 *     whose route has a Gemini target: the router translates it when it comes to a target that needs it
 */
public record RelayCall(Endpoint endpoint, ObjectNode body, boolean stream, String requestId,
                        Principal principal, MultiMap clientHeaders, Buffer rawBody, UpstreamLink link,
                        AttemptLog attempts, boolean mayFallBack, ObjectNode hub) {

  /**
   * The call for one attempt: asking the upstream for {@code upstreamModel} (a route's rename
   * re-serialises the body), knowing whether a failure would move on to another target.
   */
  public RelayCall forAttempt(String upstreamModel, boolean mayFallBack) {
    if (body == null || upstreamModel == null || upstreamModel.equals(model())) {
      return mayFallBack == this.mayFallBack ? this
          : new RelayCall(endpoint, body, stream, requestId, principal, clientHeaders, rawBody, link, attempts,
              mayFallBack, hub);
    }
    ObjectNode renamed = body.deepCopy();
    renamed.put("model", upstreamModel);
    return new RelayCall(endpoint, renamed, stream, requestId, principal, clientHeaders, null, link, attempts,
        mayFallBack, hub == body ? renamed : hub);
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
