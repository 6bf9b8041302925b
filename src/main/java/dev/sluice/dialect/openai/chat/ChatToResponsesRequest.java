package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;

/**
 * Translates a Chat Completions request into a Responses API request (see docs/translation.md).
 * Stateless and thread-safe. The result is a new tree, but it shares read-only leaves and nested
 * objects that pass unchanged (tool {@code parameters}, {@code metadata}, JSON schemas) with the
 * input: treat both as immutable afterwards.
 *
 * <p>Fields without a Responses counterpart in the mapping ({@code stop}, {@code seed}, penalties,
 * {@code logprobs}, {@code stream_options} but its {@code include_obfuscation}, {@code store}, ...) are
 * left out. Explicit JSON nulls count as absent.
 */
public final class ChatToResponsesRequest {
  static final String PARAGRAPH = "\n\n";
  static final String LINE = "\n";

  private ChatToResponsesRequest() {
  }

  /**
   * Translates one request.
   *
   * @throws GatewayException a 400 {@link ApiError#invalidParam} naming the offending field
   */
  public static ObjectNode translate(ObjectNode chat) {
    ObjectNode out = Json.object();
    JsonNode model = chat.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw invalid("model", "you must provide a model parameter");
    }
    out.set("model", model);
    checkN(chat.get("n"));

    JsonNode messages = chat.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw invalid("messages", "messages must be a non-empty array");
    }
    StringBuilder instructions = null;
    ArrayNode input = Json.MAPPER.createArrayNode();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject()) {
        throw invalid("messages[" + i + "]", "each message must be an object");
      }
      String role = m.path("role").asText("");
      switch (role) {
        case "system", "developer" -> {
          String text = joinedText(m.get("content"), "messages[" + i + "].content", LINE);
          if (!text.isEmpty()) {
            if (instructions == null) {
              instructions = new StringBuilder(text.length());
            } else {
              instructions.append(PARAGRAPH);
            }
            instructions.append(text);
          }
        }
        case "user" -> input.add(userMessage(m.get("content"), i));
        case "assistant" -> assistant(m, i, input);
        case "tool" -> input.add(toolOutput(m, i));
        case "function" -> throw invalid("messages[" + i + "].role",
            "role 'function' is not supported; use 'tool' messages");
        default -> throw invalid("messages[" + i + "].role", "unsupported role '" + role
            + "'; expected system, developer, user, assistant or tool");
      }
    }
    if (instructions != null) {
      out.put("instructions", instructions.toString());
    }
    out.set("input", input);

    JsonNode tools = present(chat, "tools");
    if (tools != null) {
      out.set("tools", tools(tools));
    }
    JsonNode toolChoice = present(chat, "tool_choice");
    if (toolChoice != null) {
      out.set("tool_choice", toolChoice(toolChoice));
    }
    copy(chat, "parallel_tool_calls", out, "parallel_tool_calls");

    JsonNode effort = present(chat, "reasoning_effort");
    if (effort != null) {
      out.putObject("reasoning").set("effort", effort);
    }
    JsonNode verbosity = present(chat, "verbosity");
    JsonNode format = present(chat, "response_format");
    if (verbosity != null || format != null) {
      ObjectNode text = out.putObject("text");
      if (format != null) {
        text.set("format", responseFormat(format));
      }
      if (verbosity != null) {
        text.set("verbosity", verbosity);
      }
    }
    JsonNode maxTokens = present(chat, "max_completion_tokens");
    String maxParam = "max_completion_tokens";
    if (maxTokens == null) {
      maxTokens = present(chat, "max_tokens");
      maxParam = "max_tokens";
    }
    if (maxTokens != null) {
      if (!maxTokens.canConvertToLong() || !maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
        throw invalid(maxParam, maxParam + " must be a positive integer");
      }
      out.set("max_output_tokens", maxTokens);
    }
    copy(chat, "temperature", out, "temperature");
    copy(chat, "top_p", out, "top_p");
    copy(chat, "prompt_cache_key", out, "prompt_cache_key");
    copy(chat, "safety_identifier", out, "safety_identifier");
    copy(chat, "metadata", out, "metadata");
    copy(chat, "user", out, "user");
    copy(chat, "stream", out, "stream");
    JsonNode obfuscation = chat.path("stream_options").get("include_obfuscation");
    if (obfuscation != null && obfuscation.isBoolean()) {
      out.putObject("stream_options").put("include_obfuscation", obfuscation.booleanValue());
    }
    return out;
  }

  private static void checkN(JsonNode n) {
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isIntegralNumber() || n.asLong() != 1) {
      throw invalid("n", "only n=1 is supported: this gateway returns a single choice");
    }
  }

  private static ObjectNode userMessage(JsonNode content, int i) {
    ObjectNode msg = message("user");
    ArrayNode parts = msg.putArray("content");
    if (content != null && content.isTextual()) {
      parts.addObject().put("type", "input_text").set("text", content);
      return msg;
    }
    if (content == null || !content.isArray()) {
      throw invalid("messages[" + i + "].content", "user content must be a string or an array of parts");
    }
    for (int j = 0; j < content.size(); j++) {
      parts.add(userPart(content.get(j), "messages[" + i + "].content[" + j + "]"));
    }
    return msg;
  }

  private static ObjectNode userPart(JsonNode part, String path) {
    String type = part.path("type").asText("");
    switch (type) {
      case "text" -> {
        JsonNode text = part.get("text");
        if (text == null || !text.isTextual()) {
          throw invalid(path + ".text", "a text part needs a string 'text'");
        }
        ObjectNode p = Json.object().put("type", "input_text");
        p.set("text", text);
        return p;
      }
      case "image_url" -> {
        JsonNode image = part.get("image_url");
        JsonNode url = image == null ? null : image.isTextual() ? image : image.get("url");
        if (url == null || !url.isTextual() || url.asText().isEmpty()) {
          throw invalid(path + ".image_url.url", "an image_url part needs image_url.url");
        }
        ObjectNode p = Json.object().put("type", "input_image");
        p.set("image_url", url);
        JsonNode detail = image.path("detail");
        p.put("detail", detail.isTextual() ? detail.asText() : "auto");
        return p;
      }
      case "file" -> {
        JsonNode file = part.path("file");
        if (present(file, "file_id") != null) {
          throw invalid(path + ".file.file_id",
              "file_id is not supported by this gateway; send the file inline as file.file_data");
        }
        JsonNode data = file.get("file_data");
        if (data == null || !data.isTextual() || data.asText().isEmpty()) {
          throw invalid(path + ".file.file_data", "a file part needs file.file_data");
        }
        ObjectNode p = Json.object().put("type", "input_file");
        JsonNode filename = present(file, "filename");
        if (filename != null) {
          p.set("filename", filename);
        }
        p.set("file_data", data);
        return p;
      }
      case "input_audio" -> throw invalid(path + ".input_audio", "input_audio content is not supported by this gateway");
      default -> throw invalid(path + ".type", "unsupported content part type '" + type
          + "'; expected text, image_url or file");
    }
  }

  private static void assistant(JsonNode m, int i, ArrayNode input) {
    String path = "messages[" + i + "]";
    JsonNode content = present(m, "content");
    ArrayNode parts = null;
    if (content != null) {
      parts = Json.MAPPER.createArrayNode();
      if (content.isTextual()) {
        if (!content.asText().isEmpty()) {
          parts.addObject().put("type", "output_text").set("text", content);
        }
      } else if (content.isArray()) {
        for (int j = 0; j < content.size(); j++) {
          JsonNode part = content.get(j);
          String type = part.path("type").asText("");
          if (type.equals("text") && part.path("text").isTextual()) {
            parts.addObject().put("type", "output_text").set("text", part.get("text"));
          } else if (type.equals("refusal") && part.path("refusal").isTextual()) {
            parts.addObject().put("type", "refusal").set("refusal", part.get("refusal"));
          } else {
            throw invalid(path + ".content[" + j + "]", "assistant content parts must be text or refusal");
          }
        }
      } else {
        throw invalid(path + ".content", "assistant content must be a string, an array of parts or null");
      }
    }
    JsonNode refusal = present(m, "refusal");
    if (refusal != null && refusal.isTextual() && !refusal.asText().isEmpty()) {
      if (parts == null) {
        parts = Json.MAPPER.createArrayNode();
      }
      parts.addObject().put("type", "refusal").set("refusal", refusal);
    }
    if (parts != null && !parts.isEmpty()) {
      ObjectNode msg = message("assistant");
      msg.set("content", parts);
      input.add(msg);
    }
    JsonNode calls = present(m, "tool_calls");
    if (calls == null) {
      return;
    }
    if (!calls.isArray()) {
      throw invalid(path + ".tool_calls", "tool_calls must be an array");
    }
    for (int k = 0; k < calls.size(); k++) {
      JsonNode call = calls.get(k);
      String cpath = path + ".tool_calls[" + k + "]";
      String type = call.path("type").asText("function");
      if (!type.equals("function")) {
        throw invalid(cpath + ".type", "only function tool calls are supported");
      }
      JsonNode id = call.get("id");
      JsonNode fn = call.path("function");
      JsonNode name = fn.get("name");
      if (id == null || !id.isTextual() || id.asText().isEmpty()) {
        throw invalid(cpath + ".id", "a tool call needs an id");
      }
      if (name == null || !name.isTextual() || name.asText().isEmpty()) {
        throw invalid(cpath + ".function.name", "a tool call needs function.name");
      }
      JsonNode args = fn.get("arguments");
      ObjectNode item = input.addObject().put("type", "function_call");
      item.set("call_id", id);
      item.set("name", name);
      if (args == null || args.isNull()) {
        item.put("arguments", "");
      } else if (args.isTextual()) {
        item.set("arguments", args);
      } else {
        item.put("arguments", Json.write(args));
      }
    }
  }

  private static ObjectNode toolOutput(JsonNode m, int i) {
    JsonNode callId = m.get("tool_call_id");
    if (callId == null || !callId.isTextual() || callId.asText().isEmpty()) {
      throw invalid("messages[" + i + "].tool_call_id", "a tool message needs tool_call_id");
    }
    ObjectNode item = Json.object().put("type", "function_call_output");
    item.set("call_id", callId);
    JsonNode content = m.get("content");
    if (content != null && content.isTextual()) {
      item.set("output", content);
    } else {
      item.put("output", joinedText(content, "messages[" + i + "].content", LINE));
    }
    return item;
  }

  private static ArrayNode tools(JsonNode tools) {
    if (!tools.isArray()) {
      throw invalid("tools", "tools must be an array");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String type = tool.path("type").asText("");
      switch (type) {
        case "function" -> {
          JsonNode fn = tool.path("function");
          JsonNode name = fn.get("name");
          if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw invalid("tools[" + i + "].function.name", "a function tool needs function.name");
          }
          ObjectNode t = out.addObject().put("type", "function");
          t.set("name", name);
          copy(fn, "description", t, "description");
          copy(fn, "parameters", t, "parameters");
          copy(fn, "strict", t, "strict");
        }
        case "web_search", "web_search_preview" -> out.add(tool);
        default -> throw invalid("tools[" + i + "].type", "unsupported tool type '" + type
            + "'; expected function, web_search or web_search_preview");
      }
    }
    return out;
  }

  private static JsonNode toolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      String s = choice.asText();
      if (s.equals("none") || s.equals("auto") || s.equals("required")) {
        return choice;
      }
      throw invalid("tool_choice", "tool_choice must be none, auto, required or an object");
    }
    String type = choice.path("type").asText("");
    switch (type) {
      case "function" -> {
        return functionChoice(choice, "tool_choice");
      }
      case "allowed_tools" -> {
        JsonNode allowed = choice.path("allowed_tools");
        ObjectNode out = Json.object().put("type", "allowed_tools");
        copy(allowed, "mode", out, "mode");
        JsonNode list = allowed.get("tools");
        if (list == null || !list.isArray()) {
          throw invalid("tool_choice.allowed_tools.tools", "allowed_tools.tools must be an array");
        }
        ArrayNode tools = out.putArray("tools");
        for (int i = 0; i < list.size(); i++) {
          JsonNode t = list.get(i);
          String p = "tool_choice.allowed_tools.tools[" + i + "]";
          tools.add("function".equals(t.path("type").asText()) ? functionChoice(t, p) : t);
        }
        return out;
      }
      default -> throw invalid("tool_choice.type", "unsupported tool_choice type '" + type + "'");
    }
  }

  private static ObjectNode functionChoice(JsonNode choice, String path) {
    JsonNode name = choice.path("function").get("name");
    if (name == null || !name.isTextual() || name.asText().isEmpty()) {
      throw invalid(path + ".function.name", "tool_choice needs function.name");
    }
    ObjectNode out = Json.object().put("type", "function");
    out.set("name", name);
    return out;
  }

  private static ObjectNode responseFormat(JsonNode format) {
    String type = format.path("type").asText("");
    switch (type) {
      case "text", "json_object" -> {
        return Json.object().put("type", type);
      }
      case "json_schema" -> {
        JsonNode schema = format.path("json_schema");
        JsonNode name = schema.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
          throw invalid("response_format.json_schema.name", "json_schema needs a name");
        }
        ObjectNode out = Json.object().put("type", "json_schema");
        out.set("name", name);
        copy(schema, "schema", out, "schema");
        copy(schema, "strict", out, "strict");
        copy(schema, "description", out, "description");
        return out;
      }
      default -> throw invalid("response_format.type", "unsupported response_format type '" + type
          + "'; expected text, json_object or json_schema");
    }
  }

  /** A string, or the texts of an array of {@code text} parts joined with {@code sep}. */
  private static String joinedText(JsonNode content, String path, String sep) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw invalid(path, "content must be a string or an array of text parts");
    }
    if (content.size() == 1) {
      return textPart(content.get(0), path + "[0]");
    }
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < content.size(); j++) {
      if (j > 0) {
        sb.append(sep);
      }
      sb.append(textPart(content.get(j), path + "[" + j + "]"));
    }
    return sb.toString();
  }

  private static String textPart(JsonNode part, String path) {
    if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
      throw invalid(path, "only text parts are allowed here");
    }
    return part.get("text").asText();
  }

  private static ObjectNode message(String role) {
    return Json.object().put("type", "message").put("role", role);
  }

  private static JsonNode present(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    JsonNode v = present(from, field);
    if (v != null) {
      to.set(as, v);
    }
  }

  private static GatewayException invalid(String param, String message) {
    return ApiError.invalidParam(param, message).exception();
  }
}
