package dev.sluice.ratelimit;

import dev.sluice.api.ApiContract;
import dev.sluice.bytes.Ascii;
import dev.sluice.error.ApiError;
import io.netty.util.AsciiString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names and value formats of the rate-limit response headers.
 *
 * <p>HTTP header names ignore case, so seed 003's {@code X-RateLimit-Limit-Requests} and OpenAI's
 * {@code x-ratelimit-limit-requests} are one header. Limit and remaining mean the same in both and
 * are sent once. The reset headers differ: OpenAI's {@code x-ratelimit-reset-*} is a duration
 * ({@code 6s}, {@code 1m0s}, {@code 120ms}), which keeps OpenAI clients working, and the UTC epoch
 * second of the same moment goes in {@code X-RateLimit-Reset-*-Epoch}. Since one name cannot carry
 * both, the contract of the request's base path decides: see {@link #forContract}.
 */
public final class RateLimitHeaders {
  public static final String LIMIT_REQUESTS = "X-RateLimit-Limit-Requests";
  public static final String REMAINING_REQUESTS = "X-RateLimit-Remaining-Requests";
  /** Duration until the request limit is fully restored, OpenAI format. */
  public static final String RESET_REQUESTS = "X-RateLimit-Reset-Requests";
  /** UTC epoch seconds (rounded up) when the request limit is fully restored. */
  public static final String RESET_REQUESTS_EPOCH = "X-RateLimit-Reset-Requests-Epoch";
  public static final String LIMIT_TOKENS = "X-RateLimit-Limit-Tokens";
  public static final String REMAINING_TOKENS = "X-RateLimit-Remaining-Tokens";
  public static final String RESET_TOKENS = "X-RateLimit-Reset-Tokens";
  public static final String RESET_TOKENS_EPOCH = "X-RateLimit-Reset-Tokens-Epoch";
  /** Whole seconds to wait, rounded up; only on 429. */
  public static final String RETRY_AFTER = "Retry-After";
  /** Milliseconds to wait, rounded up; only on 429 (read by the OpenAI SDKs before Retry-After). */
  public static final String RETRY_AFTER_MS = "retry-after-ms";

  public static final String CODE = "rate_limit_exceeded";

  /** Every header name the limiter may set. */
  public static final List<String> ALL = List.of(LIMIT_REQUESTS, REMAINING_REQUESTS, RESET_REQUESTS,
      RESET_REQUESTS_EPOCH, LIMIT_TOKENS, REMAINING_TOKENS, RESET_TOKENS, RESET_TOKENS_EPOCH,
      RETRY_AFTER, RETRY_AFTER_MS);

  /** {@link #ALL} as written, index for index: hashed once, copied into the response in one go. */
  private static final String[] NAMES = ALL.toArray(String[]::new);
  private static final AsciiString[] WIRE_NAMES = ALL.stream().map(Ascii::of).toArray(AsciiString[]::new);

  private RateLimitHeaders() {
  }

  /**
   * Whether an upstream's response may carry {@code name} too ({@code Retry-After},
   * {@code retry-after-ms}); the {@code X-RateLimit-*} names are the limiter's alone.
   */
  public static boolean fromUpstreamToo(String name) {
    return RETRY_AFTER.equalsIgnoreCase(name) || RETRY_AFTER_MS.equalsIgnoreCase(name);
  }

  /** {@code name} as the response carries it: one of {@link #ALL} as a kept {@link AsciiString}, else itself. */
  public static CharSequence wireName(String name) {
    for (int i = 0; i < NAMES.length; i++) {   // equals tries identity first: the limiter's constants
      if (NAMES[i].equals(name)) {
        return WIRE_NAMES[i];
      }
    }
    return name;
  }

  /**
   * Formats nanoseconds the way OpenAI's reset headers do (Go duration syntax), rounded up to whole
   * milliseconds: {@code 0s}, {@code 120ms}, {@code 6s}, {@code 8.64s}, {@code 1m0s}, {@code 1h2m3.5s}.
   */
  public static String duration(long nanos) {
    long ms = nanos <= 0 ? 0 : Math.ceilDiv(nanos, 1_000_000L);
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    long hours = ms / 3_600_000;
    long minutes = ms / 60_000 % 60;
    long seconds = ms / 1000 % 60;
    long millis = ms % 1000;
    var sb = new StringBuilder();
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(seconds);
    if (millis > 0) {
      String frac = String.format("%03d", millis);
      sb.append('.').append(frac.replaceAll("0+$", ""));
    }
    return sb.append('s').toString();
  }

  /**
   * The limiter's headers as {@code contract} defines them. {@link ApiContract#OPENAI}: unchanged, the
   * reset headers are durations. {@link ApiContract#PLATFORM} (seed 003, "Rate-limit headers"): the
   * reset headers carry the UTC epoch second of the same moment; the {@code -Epoch} headers stay.
   */
  public static Map<String, String> forContract(ApiContract contract, Map<String, String> headers) {
    if (contract != ApiContract.PLATFORM || !headers.containsKey(RESET_REQUESTS_EPOCH)) {
      return headers;
    }
    var out = new LinkedHashMap<>(headers);
    out.computeIfPresent(RESET_REQUESTS, (k, v) -> headers.get(RESET_REQUESTS_EPOCH));
    out.computeIfPresent(RESET_TOKENS, (k, v) -> headers.getOrDefault(RESET_TOKENS_EPOCH, v));
    return out;
  }

  /** Whole seconds, rounded up, for {@code Retry-After}. */
  public static long ceilSeconds(long nanos) {
    return nanos <= 0 ? 0 : Math.ceilDiv(nanos, 1_000_000_000L);
  }

  /**
   * The 429 for a rejected admission: {@code rate_limit_error} / {@code rate_limit_exceeded}, with
   * the admission's rate-limit headers and {@code Retry-After}.
   *
   * @throws IllegalArgumentException if the admission was admitted
   */
  public static ApiError rejection(Admission admission) {
    if (admission.admitted()) {
      throw new IllegalArgumentException("admission was admitted");
    }
    String message = admission.rejectionMessage() != null ? admission.rejectionMessage()
        : "Rate limit reached for requests. Please try again in " + admission.retryAfterSeconds() + "s.";
    ApiError error = ApiError.of(429, ApiError.RATE_LIMIT, message, CODE);
    for (var h : admission.headers().entrySet()) {
      error = error.withHeader(h.getKey(), h.getValue());
    }
    return error.withHeader(RETRY_AFTER, Long.toString(Math.max(1, admission.retryAfterSeconds())));
  }
}
