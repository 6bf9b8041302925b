package dev.sluice.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Field access on Jackson trees where an explicit JSON null counts as absent. */
public final class JsonFields {
  private JsonFields() {
  }

  /** The field's value, or null when it is missing or JSON null. */
  public static JsonNode present(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  /** Copies {@code from.field} to {@code to.as} when present. */
  public static void copy(JsonNode from, String field, ObjectNode to, String as) {
    JsonNode v = present(from, field);
    if (v != null) {
      to.set(as, v);
    }
  }

  /** The field's text when it is a non-empty string, else null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = present(node, field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }
}
