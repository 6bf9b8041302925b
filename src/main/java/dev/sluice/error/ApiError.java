package dev.sluice.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One gateway error, independent of how it is rendered. Every failure a client can see is one of
 * these; {@link ErrorRenderer} turns it into the wire envelope of the client's dialect.
 *
 * @param status HTTP status
 * @param type OpenAI error type ({@code invalid_request_error}, {@code authentication_error}, ...)
 * @param message human readable, never containing a secret
 * @param param offending field path, or null
 * @param code machine code ({@code invalid_api_key}, {@code upstream_error}, ...), or null
 * @param docUrl link to the rule's documentation, or null
 * @param headers extra response headers (e.g. {@code Retry-After}); never null
 */
public record ApiError(int status, String type, String message, String param, String code,
                       String docUrl, Map<String, String> headers) {

  public ApiError {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public static final String INVALID_REQUEST = "invalid_request_error";
  public static final String AUTHENTICATION = "authentication_error";
  public static final String PERMISSION = "permission_error";
  public static final String NOT_FOUND = "not_found_error";
  public static final String RATE_LIMIT = "rate_limit_error";
  public static final String API = "api_error";
  public static final String SERVICE_UNAVAILABLE = "service_unavailable_error";

  public static ApiError of(int status, String type, String message, String code) {
    return new ApiError(status, type, message, null, code, null, Map.of());
  }

  /** A 400 about one field; {@code code} is null, as OpenAI does for validation failures. */
  public static ApiError invalidParam(String param, String message) {
    return new ApiError(400, INVALID_REQUEST, message, param, null, null, Map.of());
  }

  public static ApiError invalidRequest(String message) {
    return of(400, INVALID_REQUEST, message, "invalid_request");
  }

  public static ApiError invalidApiKey() {
    return of(401, AUTHENTICATION, "invalid api key", "invalid_api_key");
  }

  public static ApiError notFound(String message) {
    return of(404, NOT_FOUND, message, "not_found");
  }

  public static ApiError unsupportedEndpoint(String path) {
    return of(404, INVALID_REQUEST, "The endpoint " + path + " is not supported by this gateway", "unsupported_endpoint");
  }

  public static ApiError modelNotAllowed(String model) {
    return of(403, PERMISSION, "This API key does not have access to model '" + model + "'", "model_not_allowed");
  }

  public static ApiError bodyTooLarge(long limit) {
    return of(413, INVALID_REQUEST, "request body exceeds the limit of " + limit + " bytes", "request_too_large");
  }

  public static ApiError upstreamError(String message) {
    return of(502, API, message, "upstream_error");
  }

  public static ApiError upstreamUnavailable(String message) {
    return of(502, API, message, "upstream_unavailable");
  }

  public static ApiError upstreamTimeout() {
    return of(504, API, "upstream request timed out", "upstream_timeout");
  }

  /** The upstream refused the gateway's own credentials: the gateway's problem, not the client's key. */
  public static ApiError upstreamAuthFailed(String upstream, int status) {
    return of(502, API, "the upstream '" + upstream + "' refused the gateway's credentials (HTTP " + status
        + "); the gateway's operator has been alerted", "upstream_auth_failed");
  }

  /** The client hung up; recorded, never sent. */
  public static ApiError clientClosed() {
    return of(499, INVALID_REQUEST, "the client closed the connection", "client_closed");
  }

  /** The gateway is stopping and could not finish the request within the grace period. */
  public static ApiError shuttingDown() {
    return of(503, SERVICE_UNAVAILABLE, "the gateway is shutting down; retry the request", "shutting_down")
        .withHeader("Retry-After", "1");
  }

  public static ApiError oauthUnavailable() {
    return of(503, SERVICE_UNAVAILABLE, "oauth token unavailable, run auth login", "oauth_unavailable");
  }

  public static ApiError internal() {
    return of(500, API, "internal gateway error", "internal_error");
  }

  public ApiError withHeader(String name, String value) {
    var h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiError(status, type, message, param, code, docUrl, h);
  }

  public ApiError withParam(String param) {
    return new ApiError(status, type, message, param, code, docUrl, headers);
  }

  public ApiError withDocUrl(String url) {
    return new ApiError(status, type, message, param, code, url, headers);
  }

  public GatewayException exception() {
    return new GatewayException(this);
  }

  /** This error as an upstream's failure of the given kind (the router may try the next target). */
  public GatewayException failure(FailureKind kind) {
    return new GatewayException(this, kind, -1);
  }
}
