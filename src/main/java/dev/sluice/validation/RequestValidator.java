package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.api.ApiContract;
import dev.sluice.api.Endpoint;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a parsed request body against the rules authored for openai-python
 * {@value OpenAiRules#SDK_VERSION} and fails fast with a precise 400: {@code param} is the path of
 * the first offending field in matrix order, {@code code} is null and {@code doc_url} points at the
 * rule in {@code /docs/validation}. Fields the matrix does not name pass through untouched.
 *
 * <p>Immutable and thread-safe; one instance serves every request.
 */
public final class RequestValidator {
  /** Where the gateway serves {@code docs/validation.md}. */
  public static final String DOC_PATH = "/docs/validation";
  static final String BODY_ANCHOR = "body-object";

  private final Map<Endpoint, Shape> roots;
  private final FieldMatrix matrix;
  private final String docBase;

  private RequestValidator(Map<Endpoint, Shape> roots, String docPath) {
    this.roots = Map.copyOf(roots);
    this.matrix = FieldMatrix.of(OpenAiRules.SDK, OpenAiRules.SDK_VERSION, roots);
    this.docBase = docPath + "#";
  }

  /** The validator for the OpenAI-compatible endpoints, pinned to openai-python 1.109.1. */
  public static RequestValidator openai() {
    return new RequestValidator(OpenAiRules.roots(), DOC_PATH);
  }

  /**
   * Validates {@code body} for {@code endpoint}; returns normally when it may be forwarded.
   *
   * @throws GatewayException with a 400 {@code invalid_request_error} on the first violation
   */
  public void validate(Endpoint endpoint, JsonNode body) {
    Objects.requireNonNull(endpoint, "endpoint");
    Shape root = roots.get(endpoint);
    if (root == null) {
      return;
    }
    if (body == null || !body.isObject()) {
      throw ApiError.invalidParam(null, "The request body must be a JSON object, but got "
              + Values.describe(body) + " instead.")
          .withDocUrl(docBase + BODY_ANCHOR).exception();
    }
    root.validate(body, new Trace(body, docBase));
  }

  /**
   * Validates {@code body} for {@code endpoint} as {@code contract} defines it: the pinned rules, and on
   * {@link ApiContract#PLATFORM} then the platform's own ({@link PlatformRules}).
   *
   * @throws GatewayException with a 400 {@code invalid_request_error} on the first violation
   */
  public void validate(ApiContract contract, Endpoint endpoint, JsonNode body) {
    validate(endpoint, body);
    if (contract == ApiContract.PLATFORM) {
      PlatformRules.check(endpoint, body);
    }
  }

  /** The exact field matrix this validator enforces. */
  public FieldMatrix matrix() {
    return matrix;
  }
}
