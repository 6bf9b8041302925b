package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Gemini's OpenAPI-subset {@code Schema} (a function's {@code parameters}, {@code responseSchema}) as
 * JSON Schema, for chat's {@code function.parameters} and {@code json_schema.schema}:
 * <ul>
 *   <li>{@code type} enum names ({@code "STRING"}, {@code "OBJECT"}, ...) → lowercase JSON Schema
 *       types; {@code TYPE_UNSPECIFIED} → no type; an unknown name is a 400 naming the field.</li>
 *   <li>{@code nullable: true} → {@code "null"} added to the type ({@code ["string", "null"]}).</li>
 *   <li>{@code properties}, {@code items}, {@code anyOf}, {@code additionalProperties} (a schema)
 *       converted recursively; property names are kept as they are.</li>
 *   <li>The int64 counts ({@code minItems}, {@code maxItems}, {@code minLength}, {@code maxLength},
 *       {@code minProperties}, {@code maxProperties}) as numbers even when sent as strings.</li>
 *   <li>snake_case keywords ({@code any_of}, {@code min_items}, ...) → their camelCase names;
 *       {@code propertyOrdering} and {@code example} (Gemini-only) are dropped; every other keyword
 *       (description, enum, format, required, minimum, maximum, pattern, title, default, ...) is kept.</li>
 * </ul>
 */
final class GeminiSchema {
  private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object",
      "null");
  private static final Set<String> COUNTS = Set.of("minItems", "maxItems", "minLength", "maxLength",
      "minProperties", "maxProperties");
  private static final Set<String> DROPPED = Set.of("propertyOrdering", "example");

  private GeminiSchema() {
  }

  /** The schema at {@code path} as JSON Schema; a 400 naming the field when it is off-spec. */
  static ObjectNode toJsonSchema(JsonNode schema, String path) {
    if (!schema.isObject()) {
      throw invalid(path, "a schema must be an object");
    }
    ObjectNode out = Json.object();
    boolean nullable = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = camel(e.getKey());
      JsonNode v = e.getValue();
      String at = path + "." + e.getKey();
      if (v.isNull() || DROPPED.contains(key)) {
        continue;
      }
      switch (key) {
        case "type" -> {
          JsonNode type = type(v, at);
          if (type != null) {
            out.set("type", type);
          }
        }
        case "nullable" -> {
          if (!v.isBoolean()) {
            throw invalid(at, "nullable must be true or false");
          }
          nullable = v.asBoolean();
        }
        case "properties" -> {
          if (!v.isObject()) {
            throw invalid(at, "properties must be an object of schemas");
          }
          ObjectNode props = out.putObject("properties");
          v.fields().forEachRemaining(p -> props.set(p.getKey(), toJsonSchema(p.getValue(), at + "." + p.getKey())));
        }
        case "items" -> out.set("items", toJsonSchema(v, at));
        case "additionalProperties" -> out.set(key, v.isBoolean() ? v : toJsonSchema(v, at));
        case "anyOf" -> {
          if (!v.isArray()) {
            throw invalid(at, "anyOf must be an array of schemas");
          }
          ArrayNode any = out.putArray("anyOf");
          for (int i = 0; i < v.size(); i++) {
            any.add(toJsonSchema(v.get(i), at + "[" + i + "]"));
          }
        }
        default -> out.set(key, COUNTS.contains(key) ? count(v, at) : v);
      }
    }
    if (nullable && out.has("type")) {
      out.set("type", withNull(out.get("type")));
    }
    return out;
  }

  /** A type or list of types with {@code "null"} added (once). */
  private static ArrayNode withNull(JsonNode type) {
    ArrayNode types = Json.MAPPER.createArrayNode();
    if (type.isArray()) {
      types.addAll((ArrayNode) type);
    } else {
      types.add(type);
    }
    for (JsonNode t : types) {
      if (t.asText().equals("null")) {
        return types;
      }
    }
    return types.add("null");
  }

  private static JsonNode type(JsonNode v, String at) {
    if (v.isTextual()) {
      String t = v.asText().toLowerCase(Locale.ROOT);
      if (t.equals("type_unspecified") || t.isEmpty()) {
        return null;
      }
      if (!TYPES.contains(t)) {
        throw invalid(at, "unknown schema type '" + v.asText() + "'; expected STRING, NUMBER, INTEGER, BOOLEAN,"
            + " ARRAY, OBJECT or NULL");
      }
      return Json.MAPPER.getNodeFactory().textNode(t);
    }
    if (v.isArray()) {
      ArrayNode types = Json.MAPPER.createArrayNode();
      for (int i = 0; i < v.size(); i++) {
        JsonNode t = type(v.get(i), at + "[" + i + "]");
        if (t != null) {
          types.add(t);
        }
      }
      return types;
    }
    throw invalid(at, "type must be a string");
  }

  private static JsonNode count(JsonNode v, String at) {
    if (v.isIntegralNumber()) {
      return v;
    }
    if (v.isTextual()) {
      try {
        return LongNode.valueOf(Long.parseLong(v.asText().trim()));
      } catch (NumberFormatException e) {
        // falls through to the 400
      }
    }
    throw invalid(at, "must be an integer");
  }

  /** A snake_case keyword in camelCase ({@code min_items} → {@code minItems}). */
  private static String camel(String key) {
    if (key.indexOf('_') < 0) {
      return key;
    }
    StringBuilder sb = new StringBuilder(key.length());
    boolean up = false;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '_' && i > 0) {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
