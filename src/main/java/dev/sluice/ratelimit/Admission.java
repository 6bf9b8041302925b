package dev.sluice.ratelimit;

import java.util.Map;

/**
 * The limiter's answer for one request.
 *
 * @param admitted whether the request may proceed
 * @param headers rate-limit headers to put on the response (admitted or not)
 * @param retryAfterSeconds whole seconds until a request would be admitted (when not admitted)
 */
public record Admission(boolean admitted, Map<String, String> headers, long retryAfterSeconds) {
  public static final Admission UNLIMITED = new Admission(true, Map.of(), 0);

  public Admission {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
