package dev.sluice.error;

/**
 * Carries an {@link ApiError} through futures and call stacks, with what it means for fallback
 * ({@link FailureKind}); no stack trace is captured.
 */
public final class GatewayException extends RuntimeException {
  private final ApiError error;
  private final FailureKind kind;
  private final long retryAfterMillis;

  public GatewayException(ApiError error) {
    this(error, FailureKind.GATEWAY, -1);
  }

  public GatewayException(ApiError error, FailureKind kind, long retryAfterMillis) {
    super(error.message(), null, false, false);
    this.error = error;
    this.kind = kind;
    this.retryAfterMillis = retryAfterMillis;
  }

  public ApiError error() {
    return error;
  }

  public FailureKind kind() {
    return kind;
  }

  /** When the upstream said it may serve again ({@code Retry-After}), in milliseconds; -1 when it did not. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
