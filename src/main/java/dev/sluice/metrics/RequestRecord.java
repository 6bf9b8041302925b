package dev.sluice.metrics;

import dev.sluice.api.Endpoint;
import dev.sluice.provider.AttemptLog;
import dev.sluice.usage.TokenUsage;

/**
 * One finished request as the relay saw it, built once when it ends and read by every
 * {@link RequestObserver} (the meters, the request log, the console's timeline). Holds no header or key:
 * names and figures only, and the bodies only when {@code logging.bodies} is on.
 *
 * @param epochMillis when it ended
 * @param endpoint the endpoint it was for, or null for a request answered before any endpoint took it (an
 *     unknown URL, an endpoint the gateway does not offer, an unknown Gemini method)
 * @param path the request's path, without the query (client-supplied: never a metric label)
 * @param keyId the key's id, or null when it did not authenticate
 * @param keyName the key's name, or null
 * @param plan the key's plan, or null (unlimited, or not authenticated)
 * @param model the model the client asked for (client-supplied: never a metric label), or null
 * @param route the name of the route the relay resolved the model to, or null when none
 * @param attempts the upstream attempts, in order
 * @param account the ChatGPT account that served it, or null
 * @param errorCode the error code it ended with, or null
 * @param ttfbMillis time to the first byte of the body (for a stream, its first event), or -1 when none went out
 * @param bodies the request and answer bodies, cut at {@link Bodies#LIMIT}; null unless {@code logging.bodies} is on
 */
public record RequestRecord(long epochMillis, String requestId, Endpoint endpoint, String path, String keyId,
                            String keyName, String plan, String model, String route, AttemptLog attempts,
                            String account, int status, String errorCode, long latencyMillis, long ttfbMillis,
                            boolean stream, TokenUsage usage, Bodies bodies) {

  /** The upstream that served it, or the last one tried, or null. */
  public String upstream() {
    return attempts == null ? null : attempts.upstream();
  }

  /** The model the upstream was asked for, or null. */
  public String upstreamModel() {
    return attempts == null ? null : attempts.model();
  }

  /** An error: status 400 or above. */
  public boolean failed() {
    return status >= 400;
  }
}
