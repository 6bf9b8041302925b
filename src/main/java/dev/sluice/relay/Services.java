package dev.sluice.relay;

import dev.sluice.error.ErrorRenderer;
import dev.sluice.keys.Authenticator;
import dev.sluice.provider.Provider;
import dev.sluice.ratelimit.RateLimiter;
import dev.sluice.usage.UsageSink;
import java.time.Clock;

/**
 * Everything the relay needs, wired once at start-up (see {@code dev.sluice.Wiring}); tests build
 * their own.
 *
 * @param maxBodyBytes larger request bodies get 413
 * @param streamIdleMillis a stream with no upstream bytes for this long ends with a timeout error
 */
public record Services(Authenticator authenticator, RateLimiter rateLimiter, UsageSink usage,
                       BodyValidator validator, Provider provider, ErrorRenderer errors,
                       AccessLog accessLog, Clock clock, long maxBodyBytes, long streamIdleMillis) {
}
