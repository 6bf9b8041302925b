package dev.sluice.http;

import dev.sluice.error.ApiError;

/**
 * Errors of the HTTP/1.1 protocol layer: the request could not be read as HTTP, so no route saw it.
 * Kept apart from the service errors in {@link ApiError}; rendered with the same envelope.
 */
public final class ProtocolErrors {
  private ProtocolErrors() {
  }

  public static ApiError malformedRequest(String message) {
    return ApiError.of(400, ApiError.INVALID_REQUEST, message, "invalid_http_request");
  }

  public static ApiError requestTimeout(String what, int seconds) {
    return ApiError.of(408, ApiError.INVALID_REQUEST,
        "the request " + what + " did not arrive within " + seconds + " s", "request_timeout");
  }

  public static ApiError uriTooLong() {
    return ApiError.of(414, ApiError.INVALID_REQUEST, "the request line is too long", "uri_too_long");
  }

  public static ApiError headersTooLarge() {
    return ApiError.of(431, ApiError.INVALID_REQUEST, "the request headers are too large", "headers_too_large");
  }

  public static ApiError versionNotSupported(String version) {
    return ApiError.of(505, ApiError.INVALID_REQUEST,
        version + " is not supported here; send HTTP/1.1 (or HTTP/1.0)", "http_version_not_supported");
  }
}
