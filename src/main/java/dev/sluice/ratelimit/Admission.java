package dev.sluice.ratelimit;

import dev.sluice.error.ApiError;
import java.util.Map;

/**
 * The limiter's answer for one request.
 *
 * @param admitted whether the request may proceed
 * @param headers rate-limit headers to put on the response (admitted or not); names are unique
 *     ignoring case (see {@link RateLimitHeaders})
 * @param retryAfterSeconds whole seconds until a request would be admitted (when not admitted)
 * @param rejectionMessage client-facing reason when not admitted, else null
 */
public record Admission(boolean admitted, Map<String, String> headers, long retryAfterSeconds,
                        String rejectionMessage) {
  public static final Admission UNLIMITED = new Admission(true, Map.of(), 0);

  public Admission {
    headers = headers == null ? Map.of() : LimitHeaders.copyOf(headers);
  }

  public Admission(boolean admitted, Map<String, String> headers, long retryAfterSeconds) {
    this(admitted, headers, retryAfterSeconds, null);
  }

  /**
   * The 429 {@code rate_limit_error} (code {@code rate_limit_exceeded}) to answer a rejected request
   * with, carrying {@link #headers()} and {@code Retry-After}.
   *
   * @throws IllegalArgumentException if this admission was admitted
   */
  public ApiError toError() {
    return RateLimitHeaders.rejection(this);
  }
}
