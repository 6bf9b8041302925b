package dev.sluice.relay;

import dev.sluice.error.ErrorRenderer;
import dev.sluice.keys.Authenticator;
import dev.sluice.metrics.RequestObserver;
import dev.sluice.route.Dispatcher;
import dev.sluice.ratelimit.RateLimiter;
import dev.sluice.usage.UsageSink;
import java.time.Clock;

/**
 * Everything the relay needs, wired once at start-up (see {@code dev.sluice.Wiring}); tests build
 * their own.
 *
 * @param maxBodyBytes larger request bodies get 413
 * @param upstreamIdleMillis an upstream that sends nothing for this long, in any phase (before its
 *     headers, in a body, between events), is given up on: 504 or the stream's timeout error event
 * @param observer told of every finished request (meters, request log)
 * @param keepBodies {@code logging.bodies}: each finished request carries its bodies, up to
 *     {@link dev.sluice.metrics.Bodies#LIMIT} each, for the request log; off, nothing is copied
 */
public record Services(Authenticator authenticator, RateLimiter rateLimiter, UsageSink usage,
                       BodyValidator validator, Dispatcher dispatcher, ErrorRenderer errors,
                       AccessLog accessLog, Clock clock, long maxBodyBytes, long upstreamIdleMillis,
                       RequestObserver observer, boolean keepBodies) {

  /** Services whose finished requests nobody observes. */
  public Services(Authenticator authenticator, RateLimiter rateLimiter, UsageSink usage, BodyValidator validator,
                  Dispatcher dispatcher, ErrorRenderer errors, AccessLog accessLog, Clock clock, long maxBodyBytes,
                  long upstreamIdleMillis) {
    this(authenticator, rateLimiter, usage, validator, dispatcher, errors, accessLog, clock, maxBodyBytes,
        upstreamIdleMillis, RequestObserver.NONE, false);
  }
}
