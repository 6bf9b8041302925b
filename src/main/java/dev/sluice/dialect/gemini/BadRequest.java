package dev.sluice.dialect.gemini;

import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;

/** The 400 a chat request that cannot be translated gets, naming the offending field. */
final class BadRequest {
  private BadRequest() {
  }

  static GatewayException at(String param, String message) {
    return ApiError.invalidParam(param, message).exception();
  }
}
