package dev.sluice.error;

/**
 * What a failure means for the router: whether another upstream target may still serve the request.
 * Decided once, where the failure is seen, so that fallback never compares error codes.
 */
public enum FailureKind {
  /** Connection refused, reset or closed before an answer. */
  UNREACHABLE(true),
  /** The upstream sent nothing for its timeout before any response byte. */
  TIMEOUT(true),
  /** The upstream answered 5xx. */
  SERVER_ERROR(true),
  /** The upstream answered 429: it may serve again after its Retry-After. */
  RATE_LIMITED(true),
  /** The upstream said it is overloaded (529, {@code overloaded_error}, 503 UNAVAILABLE). */
  OVERLOADED(true),
  /** An account pool with no usable account, or every account at its usage limit. */
  NO_CAPACITY(true),
  /** The upstream refused the gateway's own credential. */
  CREDENTIALS(true),
  /** A stream failed before anything client-visible was produced. */
  BROKE_BEFORE_OUTPUT(true),
  /** The upstream blamed the request (4xx): every target would. */
  REJECTED(false),
  /** The gateway's own answer (validation, keys, limits, a client that left): not an upstream's failure. */
  GATEWAY(false);

  private final boolean tryNext;

  FailureKind(boolean tryNext) {
    this.tryNext = tryNext;
  }

  /** Whether the next target may be tried. */
  public boolean tryNext() {
    return tryNext;
  }
}
