package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.array;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.at;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.field;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.object;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.requiredString;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Gemini's {@code tools} and {@code toolConfig} as chat {@code tools} and {@code tool_choice}:
 * <ul>
 *   <li>{@code tools[].functionDeclarations[] {name, description, parameters | parametersJsonSchema}}
 *       → function tools; {@code parameters} (Gemini's OpenAPI subset) through {@link GeminiSchema},
 *       {@code parametersJsonSchema} unchanged, neither → an empty object schema, both → a 400.
 *       {@code behavior}, {@code response} and {@code responseJsonSchema} are dropped.</li>
 *   <li>Any other tool ({@code googleSearch}, {@code googleSearchRetrieval}, {@code codeExecution},
 *       {@code urlContext}, {@code fileSearch}, {@code googleMaps}, {@code computerUse}, ...) runs on
 *       Google's side and has no equivalent on other upstreams: a 400 naming {@code tools[N].<tool>}.</li>
 *   <li>{@code toolConfig.functionCallingConfig.mode}: {@code AUTO} and {@code VALIDATED} →
 *       {@code "auto"}, {@code ANY} → {@code "required"} (or the named function when exactly one is
 *       allowed), {@code NONE} → {@code "none"}, unspecified → nothing. {@code allowedFunctionNames}
 *       (each must be declared) narrows the tools sent to those functions. Without function
 *       declarations the config is ignored.</li>
 * </ul>
 */
final class GeminiTools {
  private GeminiTools() {
  }

  /** Adds {@code tools} and {@code tool_choice} of the request to {@code out}. */
  static void apply(JsonNode request, ObjectNode out) {
    ArrayNode tools = tools(request);
    if (tools.isEmpty()) {
      return;
    }
    JsonNode toolConfig = object(request, "toolConfig", "");
    String configPath = at("", request, "toolConfig");
    JsonNode config = object(toolConfig, "functionCallingConfig", configPath);
    String path = at(configPath, toolConfig, "functionCallingConfig");
    String mode = string(config, "mode", path);
    mode = mode == null ? "" : mode.toUpperCase(Locale.ROOT);
    Set<String> allowed = allowed(config, path, tools);
    if (!allowed.isEmpty() && !mode.equals("NONE")) {
      ArrayNode kept = Json.MAPPER.createArrayNode();
      tools.forEach(t -> {
        if (allowed.contains(t.path("function").path("name").asText())) {
          kept.add(t);
        }
      });
      tools = kept;
    }
    out.set("tools", tools);
    switch (mode) {
      case "", "MODE_UNSPECIFIED" -> {
      }
      case "AUTO", "VALIDATED" -> out.put("tool_choice", "auto");
      case "NONE" -> out.put("tool_choice", "none");
      case "ANY" -> {
        if (allowed.size() == 1) {
          out.putObject("tool_choice").put("type", "function").putObject("function")
              .put("name", allowed.iterator().next());
        } else {
          out.put("tool_choice", "required");
        }
      }
      default -> throw invalid(at(path, config, "mode"), "mode must be AUTO, ANY, NONE or VALIDATED, got '"
          + field(config, "mode").asText() + "'");
    }
  }

  private static ArrayNode tools(JsonNode request) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    JsonNode tools = array(request, "tools", "");
    if (tools == null) {
      return out;
    }
    String toolsPath = at("", request, "tools");
    for (int i = 0; i < tools.size(); i++) {
      String path = toolsPath + "[" + i + "]";
      JsonNode tool = tools.get(i);
      if (!tool.isObject()) {
        throw invalid(path, "each tool must be an object");
      }
      for (Iterator<String> it = tool.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (tool.get(name).isNull() || name.equals("functionDeclarations") || name.equals("function_declarations")) {
          continue;
        }
        throw invalid(path + "." + name, "the " + name + " tool runs on Google's side and is not available for"
            + " this model; only functionDeclarations are");
      }
      JsonNode declarations = array(tool, "functionDeclarations", path);
      if (declarations == null) {
        continue;
      }
      String declPath = at(path, tool, "functionDeclarations");
      for (int j = 0; j < declarations.size(); j++) {
        out.add(function(declarations.get(j), declPath + "[" + j + "]"));
      }
    }
    return out;
  }

  private static ObjectNode function(JsonNode declaration, String path) {
    if (!declaration.isObject()) {
      throw invalid(path, "each function declaration must be an object");
    }
    ObjectNode tool = Json.object().put("type", "function");
    ObjectNode function = tool.putObject("function");
    function.put("name", requiredString(declaration, "name", path));
    String description = string(declaration, "description", path);
    if (description != null) {
      function.put("description", description);
    }
    JsonNode parameters = field(declaration, "parameters");
    JsonNode jsonSchema = field(declaration, "parametersJsonSchema");
    if (parameters != null && jsonSchema != null) {
      throw invalid(at(path, declaration, "parametersJsonSchema"), "give parameters or parametersJsonSchema, not both");
    }
    if (jsonSchema != null) {
      if (!jsonSchema.isObject()) {
        throw invalid(at(path, declaration, "parametersJsonSchema"), "parametersJsonSchema must be a JSON Schema object");
      }
      function.set("parameters", jsonSchema);
    } else if (parameters != null) {
      function.set("parameters", GeminiSchema.toJsonSchema(parameters, at(path, declaration, "parameters")));
    } else {
      function.putObject("parameters").put("type", "object").putObject("properties");
    }
    return tool;
  }

  private static Set<String> allowed(JsonNode config, String path, ArrayNode tools) {
    Set<String> names = new LinkedHashSet<>();
    JsonNode allowed = array(config, "allowedFunctionNames", path);
    if (allowed == null) {
      return names;
    }
    Set<String> declared = new LinkedHashSet<>();
    tools.forEach(t -> declared.add(t.path("function").path("name").asText()));
    String at = at(path, config, "allowedFunctionNames");
    for (int i = 0; i < allowed.size(); i++) {
      JsonNode name = allowed.get(i);
      if (!name.isTextual() || !declared.contains(name.asText())) {
        throw invalid(at + "[" + i + "]", "allowedFunctionNames must name declared functions, got " + name);
      }
      names.add(name.asText());
    }
    return names;
  }
}
