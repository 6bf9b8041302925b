package dev.sluice.error;

import java.util.Map;

/**
 * Seed 003's error table ("Error Codes"), applied to the gateway's errors on the platform's paths:
 * the type follows the status (400 {@code invalid_request_error}, 401 {@code authentication_error},
 * 403 {@code permission_error}, 404 {@code not_found_error}, 429 {@code rate_limit_error}, 500
 * {@code internal_server_error}, 503 {@code service_unavailable_error}); an upstream that failed,
 * could not be reached or timed out (502, 504) is the table's 503, "the upstream model provider is
 * temporarily unavailable", with the gateway's own code kept; a key the gateway does not accept reads
 * "Invalid API key provided.". Statuses the table does not list (405, 413) keep their type.
 */
final class PlatformErrors {
  static final String INVALID_API_KEY_MESSAGE = "Invalid API key provided.";
  static final String INTERNAL_SERVER = "internal_server_error";

  private static final Map<Integer, String> TYPE_BY_STATUS = Map.of(
      400, ApiError.INVALID_REQUEST,
      401, ApiError.AUTHENTICATION,
      403, ApiError.PERMISSION,
      404, ApiError.NOT_FOUND,
      429, ApiError.RATE_LIMIT,
      500, INTERNAL_SERVER,
      503, ApiError.SERVICE_UNAVAILABLE);

  private PlatformErrors() {
  }

  /** The error as the platform's table has it; idempotent. */
  static ApiError typed(ApiError e) {
    int status = e.status() == 502 || e.status() == 504 ? 503 : e.status();
    String type = TYPE_BY_STATUS.getOrDefault(status, e.type());
    String message = status == 401 && "invalid_api_key".equals(e.code()) ? INVALID_API_KEY_MESSAGE : e.message();
    if (status == e.status() && type.equals(e.type()) && message.equals(e.message())) {
      return e;
    }
    return new ApiError(status, type, message, e.param(), e.code(), e.docUrl(), e.headers());
  }

  /** The table's type for a status, or null when the table does not list it. */
  static String typeFor(int status) {
    return TYPE_BY_STATUS.get(status);
  }
}
