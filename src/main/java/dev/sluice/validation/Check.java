package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A gateway constraint beyond the SDK's types (a range, a length, a cross-field rule). It runs on
 * a value that already has one of the rule's types and is not JSON null.
 *
 * @param description how the field matrix and the documentation state the constraint
 * @param test returns the error message, or null when the value is acceptable
 */
record Check(String description, Test test) {

  @FunctionalInterface
  interface Test {
    String apply(JsonNode value, Trace trace);
  }
}
