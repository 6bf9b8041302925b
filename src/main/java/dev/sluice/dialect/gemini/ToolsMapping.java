package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.json.JsonFields;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Chat tools → Gemini {@code tools: [{functionDeclarations: [{name, description, parameters |
 * parametersJsonSchema}]}]}, and {@code tool_choice} → {@code toolConfig.functionCallingConfig}.
 *
 * <p>A schema goes as {@code parameters} (Gemini's OpenAPI-subset {@code Schema}, which every Gemini
 * model takes) when it fits that subset, else unchanged as {@code parametersJsonSchema} (full JSON
 * Schema): {@code parameters} refuses the WHOLE request on any keyword outside its field list
 * ({@code $schema}, {@code additionalProperties}, {@code const}, {@code $ref}, {@code oneOf}, ...), on a
 * type list such as {@code ["string","null"]}, on a non-string {@code enum}, on an object without
 * properties, and (on the Gemini API) on a string {@code format} other than {@code enum} and
 * {@code date-time}. Cleaning such schemas would change what the client asked for; sending them as
 * JSON Schema does not. A function whose schema is an object without properties gets no schema.
 *
 * <p>{@code tool_choice}: {@code auto} → {@code AUTO}, {@code none} → {@code NONE}, {@code required} →
 * {@code ANY}, {@code {type: function, function: {name}}} → {@code ANY} with
 * {@code allowedFunctionNames: [name]}; {@code {type: allowed_tools, allowed_tools: {mode, tools}}}
 * → {@code ANY} with the names for {@code mode: required}, and for {@code mode: auto} only the listed
 * functions declared, with {@code AUTO} ({@code allowedFunctionNames} is for {@code ANY} only).
 * {@code parallel_tool_calls} has no Gemini counterpart and is not sent.
 */
final class ToolsMapping {
  /** The mapped tools (null when none) and the tool config (null when none). */
  record Result(ArrayNode tools, ObjectNode toolConfig) {
  }

  static final Set<String> SCHEMA_FIELDS = Set.of("type", "format", "title", "description", "nullable", "enum",
      "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength",
      "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
  static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object");

  private ToolsMapping() {
  }

  static Result of(JsonNode chat) {
    JsonNode tools = JsonFields.present(chat, "tools");
    JsonNode choice = JsonFields.present(chat, "tool_choice");
    if (tools == null) {
      return new Result(null, null);
    }
    if (!tools.isArray()) {
      throw BadRequest.at("tools", "tools must be an array");
    }
    ArrayNode declarations = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      declarations.add(declaration(tools.get(i), "tools[" + i + "]"));
    }
    if (declarations.isEmpty()) {
      return new Result(null, null);
    }
    ObjectNode config = null;
    if (choice != null) {
      config = Json.object();
      ObjectNode fc = config.putObject("functionCallingConfig");
      if (choice.isTextual()) {
        fc.put("mode", switch (choice.asText()) {
          case "auto" -> "AUTO";
          case "none" -> "NONE";
          case "required" -> "ANY";
          default -> throw BadRequest.at("tool_choice", "tool_choice must be none, auto, required or an object");
        });
      } else {
        String type = choice.path("type").asText("");
        switch (type) {
          case "function" -> {
            String name = JsonFields.text(choice.path("function"), "name");
            if (name == null) {
              throw BadRequest.at("tool_choice.function.name", "tool_choice needs function.name");
            }
            fc.put("mode", "ANY").putArray("allowedFunctionNames").add(name);
          }
          case "allowed_tools" -> {
            JsonNode allowed = choice.path("allowed_tools");
            Set<String> names = allowedNames(allowed.path("tools"));
            String mode = allowed.path("mode").asText("auto");
            if (mode.equals("required")) {
              ArrayNode list = fc.put("mode", "ANY").putArray("allowedFunctionNames");
              names.forEach(list::add);
            } else if (mode.equals("auto")) {
              fc.put("mode", "AUTO");
              ArrayNode kept = Json.MAPPER.createArrayNode();
              for (JsonNode d : declarations) {
                if (names.contains(d.path("name").asText())) {
                  kept.add(d);
                }
              }
              declarations = kept;
            } else {
              throw BadRequest.at("tool_choice.allowed_tools.mode", "mode must be auto or required");
            }
          }
          default -> throw BadRequest.at("tool_choice.type", "unsupported tool_choice type '" + type
              + "'; expected function or allowed_tools");
        }
      }
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (!declarations.isEmpty()) {
      out.addObject().set("functionDeclarations", declarations);
    }
    return new Result(out.isEmpty() ? null : out, config);
  }

  private static Set<String> allowedNames(JsonNode tools) {
    if (!tools.isArray() || tools.isEmpty()) {
      throw BadRequest.at("tool_choice.allowed_tools.tools", "allowed_tools needs a non-empty tools list");
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      String name = JsonFields.text(tools.get(i).path("function"), "name");
      if (name == null) {
        name = JsonFields.text(tools.get(i), "name");
      }
      if (name == null) {
        throw BadRequest.at("tool_choice.allowed_tools.tools[" + i + "].function.name", "each allowed tool needs a name");
      }
      names.add(name);
    }
    return names;
  }

  private static ObjectNode declaration(JsonNode tool, String path) {
    String type = tool.path("type").asText("");
    if (!type.equals("function")) {
      throw BadRequest.at(path + ".type", "unsupported tool type '" + type + "'; expected function");
    }
    JsonNode fn = tool.path("function");
    String name = JsonFields.text(fn, "name");
    if (name == null) {
      throw BadRequest.at(path + ".function.name", "a function tool needs function.name");
    }
    ObjectNode d = Json.object().put("name", name);
    JsonFields.copy(fn, "description", d, "description");
    JsonNode schema = JsonFields.present(fn, "parameters");
    if (schema == null) {
      return d;
    }
    if (!schema.isObject() || !"object".equals(schema.path("type").asText("object"))) {
      throw BadRequest.at(path + ".function.parameters",
          "the schema must be a JSON object schema ({\"type\":\"object\",...})");
    }
    if (noParameters(schema)) {
      return d;
    }
    ObjectNode typed = ((ObjectNode) schema).deepCopy().put("type", "object");
    if (fitsSubset(typed)) {
      d.set("parameters", typed);
    } else {
      d.set("parametersJsonSchema", schema);
    }
    return d;
  }

  /** An object schema that allows no property: the function takes no arguments. */
  private static boolean noParameters(JsonNode schema) {
    JsonNode props = schema.get("properties");
    if (props != null && !(props.isObject() && props.isEmpty())) {
      return false;
    }
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!Set.of("type", "properties", "required", "additionalProperties", "$schema", "description", "title")
          .contains(k)) {
        return false;
      }
    }
    return schema.path("required").isEmpty();
  }

  /** Whether Gemini's OpenAPI-subset {@code Schema} takes this schema as it is. */
  static boolean fitsSubset(JsonNode schema) {
    if (!schema.isObject()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!SCHEMA_FIELDS.contains(e.getKey())) {
        return false;
      }
    }
    JsonNode type = schema.get("type");
    String t = null;
    if (type != null) {
      if (!type.isTextual() || !TYPES.contains(type.asText().toLowerCase(Locale.ROOT))) {
        return false;
      }
      t = type.asText().toLowerCase(Locale.ROOT);
    } else if (!schema.has("anyOf")) {
      return false;
    }
    JsonNode en = schema.get("enum");
    if (en != null) {
      if (!en.isArray()) {
        return false;
      }
      for (JsonNode v : en) {
        if (!v.isTextual()) {
          return false;
        }
      }
    }
    JsonNode format = schema.get("format");
    if (format != null && "string".equals(t) && !Set.of("enum", "date-time").contains(format.asText())) {
      return false;
    }
    if ("object".equals(t)) {
      JsonNode props = schema.get("properties");
      if (props == null || !props.isObject() || props.isEmpty()) {
        return false;
      }
      for (JsonNode p : props) {
        if (!fitsSubset(p)) {
          return false;
        }
      }
    } else if (schema.has("properties")) {
      return false;
    }
    if (schema.has("items") && !fitsSubset(schema.get("items"))) {
      return false;
    }
    if ("array".equals(t) && !schema.has("items")) {
      return false;
    }
    JsonNode anyOf = schema.get("anyOf");
    if (anyOf != null) {
      if (!anyOf.isArray() || anyOf.isEmpty()) {
        return false;
      }
      for (JsonNode s : anyOf) {
        if (!fitsSubset(s)) {
          return false;
        }
      }
    }
    return true;
  }
}
