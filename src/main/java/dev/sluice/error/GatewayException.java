package dev.sluice.error;

/** Carries an {@link ApiError} through futures and call stacks; no stack trace is captured. */
public final class GatewayException extends RuntimeException {
  private final ApiError error;

  public GatewayException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public ApiError error() {
    return error;
  }
}
