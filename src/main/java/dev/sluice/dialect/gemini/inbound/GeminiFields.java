package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import java.math.BigDecimal;

/**
 * Field access on Gemini request bodies the way Google's REST API reads them (proto3 JSON): a field
 * may be spelled lowerCamelCase ({@code systemInstruction}) or snake_case ({@code system_instruction}),
 * an explicit JSON null counts as absent, and numbers may come as numeric strings ({@code "100"}, the
 * JSON form of proto int64). Off-spec values are a 400 naming the field.
 */
final class GeminiFields {
  private GeminiFields() {
  }

  /** The value of {@code camel} (or its snake_case spelling), or null when absent or JSON null. */
  static JsonNode field(JsonNode node, String camel) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode v = node.get(camel);
    if (v == null || v.isNull()) {
      v = node.get(snake(camel));
    }
    return v == null || v.isNull() ? null : v;
  }

  /** The spelling the client used for {@code camel}, for error paths (camelCase when absent). */
  static String name(JsonNode node, String camel) {
    String snake = snake(camel);
    boolean hasCamel = node != null && node.hasNonNull(camel);
    return !hasCamel && node != null && node.hasNonNull(snake) ? snake : camel;
  }

  /** {@code path.field} as the client spelled it; {@code field} alone for an empty path. */
  static String at(String path, JsonNode node, String camel) {
    String n = name(node, camel);
    return path.isEmpty() ? n : path + "." + n;
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The field as a string, null when absent; a 400 when it is not a string. */
  static String string(JsonNode node, String camel, String path) {
    JsonNode v = field(node, camel);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(at(path, node, camel), name(node, camel) + " must be a string");
    }
    return v.asText();
  }

  /** The field as a non-empty string; a 400 when absent, empty or not a string. */
  static String requiredString(JsonNode node, String camel, String path) {
    String v = string(node, camel, path);
    if (v == null || v.isEmpty()) {
      throw invalid(at(path, node, camel), name(node, camel) + " is required and must be a non-empty string");
    }
    return v;
  }

  /** The field as a number node (numeric strings converted), null when absent; a 400 when not numeric. */
  static JsonNode number(JsonNode node, String camel, String path) {
    JsonNode v = field(node, camel);
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return v;
    }
    if (v.isTextual()) {
      try {
        return DecimalNode.valueOf(new BigDecimal(v.asText().trim()));
      } catch (NumberFormatException e) {
        // falls through to the 400
      }
    }
    throw invalid(at(path, node, camel), name(node, camel) + " must be a number, got " + v);
  }

  /** The field as an integer node, null when absent; a 400 when not an integer (numeric strings accepted). */
  static JsonNode integer(JsonNode node, String camel, String path) {
    JsonNode v = number(node, camel, path);
    if (v == null) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v;
    }
    BigDecimal d = v.decimalValue();
    try {
      return LongNode.valueOf(d.stripTrailingZeros().longValueExact());
    } catch (ArithmeticException e) {
      throw invalid(at(path, node, camel), name(node, camel) + " must be an integer, got " + field(node, camel));
    }
  }

  /** The field as a boolean, null when absent; a 400 when not a JSON boolean. */
  static Boolean bool(JsonNode node, String camel, String path) {
    JsonNode v = field(node, camel);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw invalid(at(path, node, camel), name(node, camel) + " must be true or false, got " + v);
    }
    return v.asBoolean();
  }

  /** The field as an object, null when absent; a 400 when not an object. */
  static JsonNode object(JsonNode node, String camel, String path) {
    JsonNode v = field(node, camel);
    if (v != null && !v.isObject()) {
      throw invalid(at(path, node, camel), name(node, camel) + " must be an object");
    }
    return v;
  }

  /** The field as an array, null when absent; a 400 when not an array. */
  static JsonNode array(JsonNode node, String camel, String path) {
    JsonNode v = field(node, camel);
    if (v != null && !v.isArray()) {
      throw invalid(at(path, node, camel), name(node, camel) + " must be an array");
    }
    return v;
  }

  static GatewayException invalid(String param, String message) {
    return ApiError.invalidParam(param, message).exception();
  }
}
