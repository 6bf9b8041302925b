package dev.sluice.http;

import dev.sluice.error.ApiError;
import dev.sluice.error.ErrorRenderer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request the HTTP codec (or {@link MessageFraming}) refused, with the error envelope, and
 * closes the connection: after a framing error nothing more on it can be trusted (RFC 9112 §6.3).
 * The client sent it, so it is logged at debug, not as a gateway error.
 */
final class InvalidRequestResponder implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(InvalidRequestResponder.class);
  private final ErrorRenderer errors;

  InvalidRequestResponder(ErrorRenderer errors) {
    this.errors = errors;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error = errorFor(cause);
    LOG.debug("refused a malformed HTTP request from {}: {} ({})", request.remoteAddress(), error.code(),
        cause == null ? "" : cause.getMessage());
    request.response()
        .setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(errors.render(error));
    request.connection().close();
  }

  static ApiError errorFor(Throwable cause) {
    if (cause instanceof ProtocolViolation v) {
      return v.error();
    }
    if (cause instanceof TooLongHttpLineException) {
      return ProtocolErrors.uriTooLong();
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return ProtocolErrors.headersTooLarge();
    }
    return ProtocolErrors.malformedRequest("malformed HTTP request");
  }
}
