package dev.sluice.ratelimit;

import dev.sluice.api.EndpointClass;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the two bucket decisions of one admission (the request bucket of the endpoint class, the
 * key's token bucket) into the {@link Admission}: headers, {@code Retry-After}, message. One code
 * path for every store, so the in-memory and the Redis limiter answer alike.
 */
final class Admissions {
  private static final Logger LOG = LoggerFactory.getLogger(Admissions.class);

  private Admissions() {
  }

  /**
   * @param requests the request bucket's decision (consumed when admitted)
   * @param tokenLimit the token bucket's limit (ignored when {@code tokens} is null)
   * @param tokens the token bucket's check, or null for a class that is not token-metered
   * @param wall the time the decision was taken, for the epoch-second reset headers
   */
  static Admission decide(String keyId, EndpointClass endpointClass, Plan plan, long requestLimit,
                          Gcra.Decision requests, long tokenLimit, Gcra.Decision tokens, Instant wall) {
    var headers = new LimitHeaders.Builder(tokens != null ? 9 : 5);
    headers.put(RateLimitHeaders.LIMIT_REQUESTS, Long.toString(requestLimit));
    headers.put(RateLimitHeaders.REMAINING_REQUESTS, Long.toString(requests.remaining()));
    headers.put(RateLimitHeaders.RESET_REQUESTS, RateLimitHeaders.duration(requests.resetNanos()));
    headers.put(RateLimitHeaders.RESET_REQUESTS_EPOCH, Long.toString(epochSecondsAfter(wall, requests.resetNanos())));
    if (tokens != null) {
      headers.put(RateLimitHeaders.LIMIT_TOKENS, Long.toString(tokenLimit));
      headers.put(RateLimitHeaders.REMAINING_TOKENS, Long.toString(tokens.remaining()));
      headers.put(RateLimitHeaders.RESET_TOKENS, RateLimitHeaders.duration(tokens.resetNanos()));
      headers.put(RateLimitHeaders.RESET_TOKENS_EPOCH, Long.toString(epochSecondsAfter(wall, tokens.resetNanos())));
    }

    boolean tokensBlocked = tokens != null && !tokens.allowed();
    boolean requestsBlocked = !requests.allowed();
    if (!tokensBlocked && !requestsBlocked) {
      if (LOG.isDebugEnabled()) { // no argument array and boxed count per request when off
        LOG.debug("admitted key {} on {} (plan {}): {} requests left this minute", keyId, endpointClass,
            plan.name(), requests.remaining());
      }
      return new Admission(true, headers.build(), 0);
    }
    long waitNanos = Math.max(requestsBlocked ? requests.retryAfterNanos() : 0,
        tokensBlocked ? tokens.retryAfterNanos() : 0);
    LOG.debug("limited key {} on {} (plan {}): {} per minute used up, retry in {} ms", keyId, endpointClass,
        plan.name(), requestsBlocked ? "requests" : "tokens", Math.ceilDiv(waitNanos, 1_000_000L));
    headers.put(RateLimitHeaders.RETRY_AFTER_MS, Long.toString(Math.ceilDiv(waitNanos, 1_000_000L)));
    String again = " Please try again in " + RateLimitHeaders.duration(waitNanos) + ".";
    String className = endpointClass.name().toLowerCase(Locale.ROOT);
    String message = requestsBlocked
        ? "Rate limit reached for requests per min (RPM) on " + className + " endpoints: Limit "
            + requestLimit + ", Remaining 0." + again
        : "Rate limit reached for tokens per min (TPM): Limit " + tokenLimit + ", Remaining 0." + again;
    return new Admission(false, headers.build(), RateLimitHeaders.ceilSeconds(waitNanos), message);
  }

  private static long epochSecondsAfter(Instant wall, long nanos) {
    return wall.getEpochSecond() + Math.ceilDiv(wall.getNano() + nanos, 1_000_000_000L);
  }
}
