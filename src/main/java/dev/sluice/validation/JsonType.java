package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON value types as the field matrix and the pinned SDK description name them. */
public enum JsonType {
  STRING("string", "a string"),
  /** a number with no fractional part that fits in a signed 64-bit integer */
  INTEGER("integer", "an integer"),
  /** any finite number, integers included */
  NUMBER("number", "a number"),
  BOOLEAN("boolean", "a boolean"),
  OBJECT("object", "an object"),
  ARRAY("array", "an array");

  private final String specName;
  private final String article;

  JsonType(String specName, String article) {
    this.specName = specName;
    this.article = article;
  }

  /** The name used in the spec files ({@code string}, {@code integer}, ...). */
  public String specName() {
    return specName;
  }

  String withArticle() {
    return article;
  }

  int bit() {
    return 1 << ordinal();
  }

  public static JsonType fromSpecName(String name) {
    for (JsonType t : values()) {
      if (t.specName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown JSON type " + name);
  }

  /** Whether {@code node} (not null, not JSON null) is a value of this type. */
  boolean matches(JsonNode node) {
    return switch (this) {
      case STRING -> node.isTextual();
      case INTEGER -> Values.isInt64(node);
      case NUMBER -> Values.isFiniteNumber(node);
      case BOOLEAN -> node.isBoolean();
      case OBJECT -> node.isObject();
      case ARRAY -> node.isArray();
    };
  }
}
