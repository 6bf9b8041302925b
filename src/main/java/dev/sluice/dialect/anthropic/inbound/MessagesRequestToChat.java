package dev.sluice.dialect.anthropic.inbound;

import static dev.sluice.json.JsonFields.copy;
import static dev.sluice.json.JsonFields.present;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.util.HashSet;
import java.util.Set;

/**
 * Translates an Anthropic Messages request ({@code POST /v1/messages}) into a Chat Completions
 * request. Stateless and thread-safe; the result shares read-only leaves (tool schemas) with the input,
 * which is left unchanged.
 *
 * <p>Mapping:
 * <ul>
 *   <li>{@code system} (a string or text blocks, joined by a newline) → a leading {@code system}
 *       message; {@code role: "system"} messages inside {@code messages} (anthropic-version 2026-10-21)
 *       → {@code system} messages where they stand.</li>
 *   <li>user blocks: {@code text} → text parts; {@code image} with a {@code base64} source → an
 *       {@code image_url} data URL, with a {@code url} source → that URL; {@code document}: a base64 PDF
 *       → a {@code file} part ({@code filename} = title, else {@code document.pdf}; {@code file_data} =
 *       data URL), a {@code text} or {@code content} source → text parts. A message of one text part
 *       keeps a plain string. {@code tool_result} blocks → {@code role: tool} messages in block order
 *       (text before a tool result becomes a user message before it); their content is flattened to
 *       text (images in it become the placeholder {@code [image]}, chat tool messages hold text only),
 *       and {@code is_error: true} prefixes {@code "Error: "}.</li>
 *   <li>assistant blocks: {@code text} → {@code content} (joined by a newline; null when the message
 *       only calls tools); {@code tool_use} → {@code tool_calls} ({@code arguments} = compact JSON of
 *       {@code input}); {@code thinking} → {@code reasoning_content}, its {@code signature} unchanged
 *       in the gateway extension field {@code reasoning_signature} (several thinking blocks: texts
 *       concatenated, the last signature kept); {@code redacted_thinking} dropped.</li>
 *   <li>{@code tools[] {name, description, input_schema}} (type absent or {@code custom}) → function
 *       tools ({@code strict} omitted); any other type is a server tool (web search, bash, text editor,
 *       computer, ...) and a 400 naming {@code tools[N]}. {@code tool_choice}: {@code auto} →
 *       {@code "auto"}, {@code any} → {@code "required"}, {@code none} → {@code "none"}, {@code tool}
 *       → {@code {type: function, function: {name}}}; {@code disable_parallel_tool_use: true} →
 *       {@code parallel_tool_calls: false}. Without tools, both are left out.</li>
 *   <li>{@code max_tokens} (required, a positive integer) → {@code max_tokens}; {@code stop_sequences}
 *       → {@code stop}; {@code temperature}, {@code top_p} pass; {@code top_k} is dropped;
 *       {@code metadata.user_id} → {@code user}.</li>
 *   <li>{@code thinking}: {@code enabled} → {@code reasoning_effort} by {@code budget_tokens} (≤ 2048
 *       {@code low}, ≤ 8192 {@code medium}, else {@code high}); {@code adaptive} → {@code medium}, or
 *       {@code output_config.effort} when given ({@code max} → {@code high}); {@code disabled} → none.</li>
 *   <li>{@code stream} passes; a streaming request gets {@code stream_options.include_usage: true}.</li>
 *   <li>Dropped: {@code cache_control} everywhere, {@code citations}, {@code service_tier},
 *       {@code container}, {@code mcp_servers}, {@code context_management} and unknown fields.
 *       Explicit JSON nulls count as absent.</li>
 * </ul>
 * Off-spec input is a 400 {@link ApiError#invalidParam} naming the field.
 */
public final class MessagesRequestToChat {
  private static final String LINE = "\n";

  private MessagesRequestToChat() {
  }

  /**
   * Translates one request, keeping its model.
   *
   * @throws GatewayException a 400 naming the offending field
   */
  public static ObjectNode translate(ObjectNode messages) {
    ObjectNode out = Json.object();
    JsonNode model = present(messages, "model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw invalid("model", "model is required and must be a string");
    }
    out.set("model", model);
    out.set("messages", new Conversation().translate(messages));
    ArrayNode tools = tools(present(messages, "tools"));
    if (tools != null && !tools.isEmpty()) {
      out.set("tools", tools);
      toolChoice(present(messages, "tool_choice"), out);
    }
    out.set("max_tokens", maxTokens(present(messages, "max_tokens")));
    stop(present(messages, "stop_sequences"), out);
    copy(messages, "temperature", out, "temperature");
    copy(messages, "top_p", out, "top_p");
    copy(present(messages, "metadata"), "user_id", out, "user");
    String effort = effort(present(messages, "thinking"), present(messages, "output_config"));
    if (effort != null) {
      out.put("reasoning_effort", effort);
    }
    JsonNode stream = present(messages, "stream");
    if (stream != null) {
      out.set("stream", stream);
      if (stream.asBoolean()) {
        out.putObject("stream_options").put("include_usage", true);
      }
    }
    return out;
  }

  /** The messages of one request: tracks the tool_use ids seen so far, which tool results must name. */
  private static final class Conversation {
    private final ArrayNode out = Json.MAPPER.createArrayNode();
    private final Set<String> toolUseIds = new HashSet<>();

    ArrayNode translate(JsonNode request) {
      JsonNode system = present(request, "system");
      if (system != null) {
        String text = systemText(system, "system");
        if (!text.isEmpty()) {
          out.addObject().put("role", "system").put("content", text);
        }
      }
      JsonNode messages = present(request, "messages");
      if (messages == null || !messages.isArray() || messages.isEmpty()) {
        throw invalid("messages", "messages must be a non-empty array");
      }
      for (int i = 0; i < messages.size(); i++) {
        message(messages.get(i), "messages[" + i + "]");
      }
      return out;
    }

    private void message(JsonNode message, String path) {
      if (!message.isObject()) {
        throw invalid(path, "each message must be an object");
      }
      String role = message.path("role").asText("");
      JsonNode content = present(message, "content");
      if (content == null || !(content.isTextual() || content.isArray())) {
        throw invalid(path + ".content", "content must be a string or an array of content blocks");
      }
      switch (role) {
        case "system" -> out.addObject().put("role", "system").put("content", systemText(content, path + ".content"));
        case "user" -> user(content, path + ".content");
        case "assistant" -> assistant(content, path + ".content");
        default -> throw invalid(path + ".role", "role must be user or assistant (or system), got '" + role + "'");
      }
    }

    private void user(JsonNode content, String path) {
      if (content.isTextual()) {
        out.addObject().put("role", "user").set("content", content);
        return;
      }
      ArrayNode parts = Json.MAPPER.createArrayNode();
      for (int j = 0; j < content.size(); j++) {
        String blockPath = path + "[" + j + "]";
        JsonNode block = block(content.get(j), blockPath);
        switch (block.path("type").asText()) {
          case "text" -> parts.addObject().put("type", "text").put("text", blockText(block, blockPath));
          case "image" -> parts.add(ImageSource.imageUrlPart(block.get("source"), blockPath + ".source"));
          case "document" -> document(block, blockPath, parts);
          case "tool_result" -> {
            flushUser(parts);
            parts = Json.MAPPER.createArrayNode();
            toolResult(block, blockPath);
          }
          default -> throw unknownBlock(block, blockPath, "text, image, document or tool_result");
        }
      }
      flushUser(parts);
    }

    private void flushUser(ArrayNode parts) {
      if (parts.isEmpty()) {
        return;
      }
      ObjectNode m = out.addObject().put("role", "user");
      if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
        m.set("content", parts.get(0).get("text"));
      } else {
        m.set("content", parts);
      }
    }

    private void toolResult(JsonNode block, String path) {
      JsonNode id = present(block, "tool_use_id");
      if (id == null || !id.isTextual() || !toolUseIds.contains(id.asText())) {
        throw invalid(path + ".tool_use_id", "tool_result.tool_use_id must name a tool_use block of an earlier"
            + " assistant message");
      }
      String text = toolResultText(present(block, "content"), path + ".content");
      if (block.path("is_error").asBoolean(false)) {
        text = "Error: " + text;
      }
      out.addObject().put("role", "tool").put("tool_call_id", id.asText()).put("content", text);
    }

    private void assistant(JsonNode content, String path) {
      ObjectNode m = Json.object().put("role", "assistant");
      if (content.isTextual()) {
        out.add(m.set("content", content));
        return;
      }
      StringBuilder text = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      String signature = null;
      ArrayNode calls = Json.MAPPER.createArrayNode();
      for (int j = 0; j < content.size(); j++) {
        String blockPath = path + "[" + j + "]";
        JsonNode block = block(content.get(j), blockPath);
        switch (block.path("type").asText()) {
          case "text" -> append(text, blockText(block, blockPath));
          case "tool_use" -> calls.add(toolCall(block, blockPath));
          case "thinking" -> {
            JsonNode thinking = present(block, "thinking");
            if (thinking == null || !thinking.isTextual()) {
              throw invalid(blockPath + ".thinking", "a thinking block needs its thinking text");
            }
            reasoning.append(thinking.asText());
            JsonNode sig = present(block, "signature");
            if (sig != null && sig.isTextual() && !sig.asText().isEmpty()) {
              signature = sig.asText();
            }
          }
          case "redacted_thinking" -> {
          }
          default -> throw unknownBlock(block, blockPath, "text, tool_use, thinking or redacted_thinking");
        }
      }
      if (!text.isEmpty()) {
        m.put("content", text.toString());
      } else if (!calls.isEmpty()) {
        m.putNull("content");
      } else {
        m.put("content", "");
      }
      if (!reasoning.isEmpty() || signature != null) {
        m.put("reasoning_content", reasoning.toString());
      }
      if (signature != null) {
        m.put("reasoning_signature", signature);
      }
      if (!calls.isEmpty()) {
        m.set("tool_calls", calls);
      }
      out.add(m);
    }

    private ObjectNode toolCall(JsonNode block, String path) {
      String id = requiredText(block, "id", path);
      String name = requiredText(block, "name", path);
      JsonNode input = present(block, "input");
      if (input == null || !input.isObject()) {
        throw invalid(path + ".input", "tool_use.input must be an object");
      }
      toolUseIds.add(id);
      ObjectNode call = Json.object().put("id", id).put("type", "function");
      call.putObject("function").put("name", name).put("arguments", Json.write(input));
      return call;
    }
  }

  private static JsonNode block(JsonNode block, String path) {
    if (!block.isObject()) {
      throw invalid(path, "each content block must be an object");
    }
    return block;
  }

  private static GatewayException unknownBlock(JsonNode block, String path, String expected) {
    return invalid(path + ".type", "content block type '" + block.path("type").asText() + "' is not supported"
        + " here; expected " + expected);
  }

  private static String blockText(JsonNode block, String path) {
    JsonNode text = present(block, "text");
    if (text == null || !text.isTextual()) {
      throw invalid(path + ".text", "a text block needs a string text");
    }
    return text.asText();
  }

  /** {@code node.field} as a non-empty string, else a 400 naming {@code path.field}. */
  static String requiredText(JsonNode node, String field, String path) {
    JsonNode v = present(node, field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw invalid(path + "." + field, field + " is required and must be a non-empty string");
    }
    return v.asText();
  }

  private static void append(StringBuilder sb, String text) {
    if (!sb.isEmpty() && !text.isEmpty()) {
      sb.append(LINE);
    }
    sb.append(text);
  }

  /** System content: a string, or text blocks joined by a newline. */
  private static String systemText(JsonNode system, String path) {
    if (system.isTextual()) {
      return system.asText();
    }
    if (!system.isArray()) {
      throw invalid(path, "system must be a string or an array of text blocks");
    }
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < system.size(); j++) {
      String blockPath = path + "[" + j + "]";
      JsonNode block = block(system.get(j), blockPath);
      if (!block.path("type").asText().equals("text")) {
        throw unknownBlock(block, blockPath, "text");
      }
      append(sb, blockText(block, blockPath));
    }
    return sb.toString();
  }

  /** Tool result content flattened to text: a string, or text (and image placeholder) blocks. */
  private static String toolResultText(JsonNode content, String path) {
    if (content == null) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw invalid(path, "tool_result.content must be a string or an array of content blocks");
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < content.size(); k++) {
      String blockPath = path + "[" + k + "]";
      JsonNode block = block(content.get(k), blockPath);
      switch (block.path("type").asText()) {
        case "text" -> append(sb, blockText(block, blockPath));
        case "image" -> {
          ImageSource.imageUrlPart(block.get("source"), blockPath + ".source");
          append(sb, "[image]");
        }
        case "document" -> {
          ArrayNode parts = Json.MAPPER.createArrayNode();
          document(block, blockPath, parts);
          parts.forEach(p -> append(sb, p.path("text").asText("[document]")));
        }
        default -> throw unknownBlock(block, blockPath, "text, image or document");
      }
    }
    return sb.toString();
  }

  private static void document(JsonNode block, String path, ArrayNode parts) {
    JsonNode source = present(block, "source");
    String sourcePath = path + ".source";
    if (source == null || !source.isObject()) {
      throw invalid(sourcePath, "a document needs a source object");
    }
    String type = source.path("type").asText("");
    switch (type) {
      case "base64" -> {
        String mediaType = requiredText(source, "media_type", sourcePath);
        if (!mediaType.equals("application/pdf")) {
          throw invalid(sourcePath + ".media_type", "a base64 document must be application/pdf");
        }
        String data = requiredText(source, "data", sourcePath);
        JsonNode title = present(block, "title");
        ObjectNode file = parts.addObject().put("type", "file").putObject("file");
        file.put("filename", title != null && title.isTextual() ? title.asText() : "document.pdf");
        file.put("file_data", "data:" + mediaType + ";base64," + data);
      }
      case "text" -> parts.addObject().put("type", "text").put("text", requiredText(source, "data", sourcePath));
      case "content" -> {
        JsonNode content = present(source, "content");
        String text = content != null && content.isTextual() ? content.asText()
            : toolResultText(content, sourcePath + ".content");
        parts.addObject().put("type", "text").put("text", text);
      }
      default -> throw invalid(sourcePath + ".type", "document source type '" + type + "' is not supported for"
          + " this model; expected base64 (PDF), text or content");
    }
  }

  private static ArrayNode tools(JsonNode tools) {
    if (tools == null) {
      return null;
    }
    if (!tools.isArray()) {
      throw invalid("tools", "tools must be an array");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      String path = "tools[" + i + "]";
      JsonNode tool = block(tools.get(i), path);
      JsonNode type = present(tool, "type");
      if (type != null && !type.asText().equals("custom")) {
        throw invalid(path, "server tool '" + type.asText() + "' is not supported for this model; only client"
            + " tools {name, description, input_schema} are");
      }
      String name = requiredText(tool, "name", path);
      JsonNode schema = present(tool, "input_schema");
      if (schema == null || !schema.isObject()) {
        throw invalid(path + ".input_schema", "input_schema is required and must be an object");
      }
      ObjectNode function = out.addObject().put("type", "function").putObject("function");
      function.put("name", name);
      copy(tool, "description", function, "description");
      function.set("parameters", schema);
    }
    return out;
  }

  private static void toolChoice(JsonNode choice, ObjectNode out) {
    if (choice == null) {
      return;
    }
    if (!choice.isObject()) {
      throw invalid("tool_choice", "tool_choice must be an object");
    }
    String type = choice.path("type").asText("");
    switch (type) {
      case "auto" -> out.put("tool_choice", "auto");
      case "any" -> out.put("tool_choice", "required");
      case "none" -> out.put("tool_choice", "none");
      case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
          .put("name", requiredText(choice, "name", "tool_choice"));
      default -> throw invalid("tool_choice.type", "tool_choice.type must be auto, any, tool or none");
    }
    if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
      out.put("parallel_tool_calls", false);
    }
  }

  private static JsonNode maxTokens(JsonNode maxTokens) {
    if (maxTokens == null) {
      throw invalid("max_tokens", "max_tokens is required");
    }
    if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToLong() || maxTokens.asLong() < 1) {
      throw invalid("max_tokens", "max_tokens must be a positive integer");
    }
    return maxTokens;
  }

  private static void stop(JsonNode stop, ObjectNode out) {
    if (stop == null) {
      return;
    }
    if (!stop.isArray()) {
      throw invalid("stop_sequences", "stop_sequences must be an array of strings");
    }
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isTextual()) {
        throw invalid("stop_sequences[" + i + "]", "each stop sequence must be a string");
      }
    }
    if (!stop.isEmpty()) {
      out.set("stop", stop);
    }
  }

  private static String effort(JsonNode thinking, JsonNode outputConfig) {
    if (thinking == null) {
      return null;
    }
    if (!thinking.isObject()) {
      throw invalid("thinking", "thinking must be an object");
    }
    String type = thinking.path("type").asText("");
    return switch (type) {
      case "enabled" -> {
        JsonNode budget = present(thinking, "budget_tokens");
        if (budget == null || !budget.isIntegralNumber()) {
          throw invalid("thinking.budget_tokens", "thinking.budget_tokens must be an integer");
        }
        long b = budget.asLong();
        yield b <= 2048 ? "low" : b <= 8192 ? "medium" : "high";
      }
      case "adaptive" -> switch (present(outputConfig, "effort") == null ? "" : outputConfig.get("effort").asText()) {
        case "low" -> "low";
        case "high", "max" -> "high";
        default -> "medium";
      };
      case "disabled" -> null;
      default -> throw invalid("thinking.type", "thinking.type must be enabled, adaptive or disabled");
    };
  }

  static GatewayException invalid(String param, String message) {
    return ApiError.invalidParam(param, message).exception();
  }
}
