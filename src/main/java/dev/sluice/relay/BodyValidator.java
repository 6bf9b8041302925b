package dev.sluice.relay;

import dev.sluice.api.ApiContract;
import dev.sluice.api.Endpoint;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a parsed request body against the rules of the contract its base path speaks; throws
 * {@code GatewayException} (400) on the first violation.
 */
@FunctionalInterface
public interface BodyValidator {
  void validate(ApiContract contract, Endpoint endpoint, JsonNode body);

  BodyValidator NONE = (c, e, b) -> { };
}
