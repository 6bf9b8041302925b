package dev.sluice.http;

import dev.sluice.error.ApiError;

/**
 * Why a request the HTTP codec decoded must still be refused; set as the request's decoder failure
 * so that it reaches {@link InvalidRequestResponder}. Carries no stack trace: it is a verdict, not a fault.
 */
final class ProtocolViolation extends RuntimeException {
  private final transient ApiError error;

  ProtocolViolation(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  ApiError error() {
    return error;
  }
}
