package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.json.JsonFields;

/**
 * Chat tools → Messages tools: {@code tools[].function {name, description, parameters}} →
 * {@code {name, description, input_schema}} (parameters default to an empty object schema);
 * {@code tool_choice} {@code auto}/{@code required}/{@code none}/{@code {function:{name}}} →
 * {@code {type: auto}}/{@code {type: any}}/{@code {type: none}}/{@code {type: tool, name}};
 * {@code parallel_tool_calls: false} → {@code disable_parallel_tool_use: true} in the choice (with
 * {@code {type: auto}} when there is none; not on {@code none}, which has no such field).
 *
 * <p>{@code response_format: json_schema} becomes one more tool named after the schema, whose
 * {@code input_schema} is the schema, forced with {@code {type: tool, name}}: its input is the
 * answer. {@code text} and {@code json_object} formats have no Messages counterpart and are dropped.
 * Without any tool, no {@code tool_choice} is sent.
 */
final class ToolsMapping {
  static final String OBJECT = "object";

  /** The mapped tools (empty when none), the choice (null when none) and the answer tool's name. */
  record Result(ArrayNode tools, ObjectNode toolChoice, String answerTool) {
    /** Whether the choice makes the model call a tool, which the API refuses with thinking. */
    boolean forcesTool() {
      String type = toolChoice == null ? "" : toolChoice.path("type").asText();
      return type.equals("any") || type.equals("tool");
    }
  }

  private ToolsMapping() {
  }

  static Result of(JsonNode chat) {
    ArrayNode tools = tools(JsonFields.present(chat, "tools"));
    ObjectNode choice = toolChoice(JsonFields.present(chat, "tool_choice"));
    String answerTool = null;
    JsonNode format = JsonFields.present(chat, "response_format");
    if (format != null && "json_schema".equals(format.path("type").asText())) {
      ObjectNode tool = answerTool(format.path("json_schema"), tools);
      tools.add(tool);
      answerTool = tool.get("name").asText();
      choice = Json.object().put("type", "tool").put("name", answerTool);
    } else if (format != null && !format.path("type").asText().matches("text|json_object")) {
      throw BadRequest.at("response_format.type", "unsupported response_format type '"
          + format.path("type").asText() + "'; expected text, json_object or json_schema");
    }
    if (tools.isEmpty()) {
      return new Result(tools, null, null);
    }
    JsonNode parallel = JsonFields.present(chat, "parallel_tool_calls");
    if (parallel != null && parallel.isBoolean() && !parallel.asBoolean()) {
      if (choice == null) {
        choice = Json.object().put("type", "auto");
      }
      if (!"none".equals(choice.path("type").asText())) {
        choice.put("disable_parallel_tool_use", true);
      }
    }
    return new Result(tools, choice, answerTool);
  }

  private static ArrayNode tools(JsonNode tools) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (tools == null) {
      return out;
    }
    if (!tools.isArray()) {
      throw BadRequest.at("tools", "tools must be an array");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String type = tool.path("type").asText("");
      if (!type.equals("function")) {
        throw BadRequest.at("tools[" + i + "].type", "unsupported tool type '" + type + "'; expected function");
      }
      JsonNode fn = tool.path("function");
      String name = JsonFields.text(fn, "name");
      if (name == null) {
        throw BadRequest.at("tools[" + i + "].function.name", "a function tool needs function.name");
      }
      JsonNode parameters = JsonFields.present(fn, "parameters");
      out.add(tool(name, JsonFields.present(fn, "description"), parameters,
          "tools[" + i + "].function.parameters"));
    }
    return out;
  }

  private static ObjectNode tool(String name, JsonNode description, JsonNode schema, String path) {
    ObjectNode t = Json.object().put("name", name);
    if (description != null) {
      t.set("description", description);
    }
    if (schema == null) {
      t.putObject("input_schema").put("type", OBJECT).putObject("properties");
    } else if (schema.isObject() && OBJECT.equals(schema.path("type").asText(OBJECT))) {
      ObjectNode input = ((ObjectNode) schema).deepCopy();
      input.put("type", OBJECT);
      t.set("input_schema", input);
    } else {
      throw BadRequest.at(path, "the schema must be a JSON object schema ({\"type\":\"object\",...})");
    }
    return t;
  }

  private static ObjectNode answerTool(JsonNode schema, ArrayNode tools) {
    String name = JsonFields.text(schema, "name");
    if (name == null) {
      throw BadRequest.at("response_format.json_schema.name", "json_schema needs a name");
    }
    for (JsonNode t : tools) {
      if (name.equals(t.path("name").asText())) {
        throw BadRequest.at("response_format.json_schema.name",
            "the schema name '" + name + "' is also the name of a tool; rename one of them");
      }
    }
    JsonNode description = JsonFields.present(schema, "description");
    return tool(name, description != null ? description : Json.MAPPER.getNodeFactory()
            .textNode("Respond by calling this tool: its input is the answer."),
        JsonFields.present(schema, "schema"), "response_format.json_schema.schema");
  }

  private static ObjectNode toolChoice(JsonNode choice) {
    if (choice == null) {
      return null;
    }
    if (choice.isTextual()) {
      return switch (choice.asText()) {
        case "auto" -> Json.object().put("type", "auto");
        case "required" -> Json.object().put("type", "any");
        case "none" -> Json.object().put("type", "none");
        default -> throw BadRequest.at("tool_choice", "tool_choice must be none, auto, required or an object");
      };
    }
    if (!"function".equals(choice.path("type").asText())) {
      throw BadRequest.at("tool_choice.type", "unsupported tool_choice type '" + choice.path("type").asText()
          + "'; expected function");
    }
    String name = JsonFields.text(choice.path("function"), "name");
    if (name == null) {
      throw BadRequest.at("tool_choice.function.name", "tool_choice needs function.name");
    }
    return Json.object().put("type", "tool").put("name", name);
  }
}
