package dev.sluice.relay;

import dev.sluice.api.Endpoint;
import com.fasterxml.jackson.databind.JsonNode;

/** Checks a parsed request body; throws {@code GatewayException} (400) on the first violation. */
@FunctionalInterface
public interface BodyValidator {
  void validate(Endpoint endpoint, JsonNode body);

  BodyValidator NONE = (e, b) -> { };
}
