package dev.sluice.dialect.openai.responses;

import static dev.sluice.json.JsonFields.copy;
import static dev.sluice.json.JsonFields.present;
import static dev.sluice.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;

/**
 * Translates a Responses API request into a Chat Completions request, for a chat-only upstream
 * (DeepSeek and other OpenAI-compatible servers). Stateless and thread-safe; the result shares
 * read-only leaves (tool {@code parameters}, JSON schemas) with the input.
 *
 * <p>Mapping (see docs/translation.md, "Responses → Chat"):
 * <ul>
 *   <li>{@code instructions} → a leading {@code system} message; {@code input} as a string → one
 *       {@code user} message.</li>
 *   <li>{@code message} items: {@code system} and {@code developer} → {@code system} (text only, parts
 *       joined by a newline); {@code user}/{@code assistant} content: {@code input_text}/{@code output_text}
 *       → {@code text} parts (a lone text part becomes a plain string), {@code input_image} →
 *       {@code image_url {url, detail}}, {@code input_file} with {@code file_data} → {@code file};
 *       assistant {@code refusal} parts → the message's {@code refusal}.</li>
 *   <li>{@code function_call} items → {@code tool_calls} of one assistant message: a run of calls, and
 *       an assistant message directly before them, become one message. {@code function_call_output}
 *       → a {@code tool} message with {@code tool_call_id}. {@code reasoning} items are dropped.</li>
 *   <li>400 for what needs stored state or a capability chat lacks: {@code item_reference},
 *       {@code previous_response_id}, {@code conversation}, {@code prompt}, {@code background:true},
 *       {@code file_id}/{@code file_url} inputs, other item types; and for built-in tools (any type but
 *       {@code function}) unless {@link Options#dropBuiltInTools()}.</li>
 *   <li>{@code tools[] {type:function, name, ...}} → {@code {type:function, function:{name, description,
 *       parameters, strict}}}; {@code tool_choice} strings pass, {@code {type:function, name}} →
 *       {@code {type:function, function:{name}}}, {@code allowed_tools} is nested the chat way. When
 *       every tool was dropped, {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} are
 *       left out.</li>
 *   <li>{@code max_output_tokens} → {@code max_tokens}: the older name is the one every
 *       OpenAI-compatible server accepts ({@code max_completion_tokens} is OpenAI-only so far).</li>
 *   <li>{@code reasoning.effort} → {@code reasoning_effort}; {@code text.format} → {@code response_format};
 *       {@code text.verbosity} → {@code verbosity}; {@code user}, else {@code safety_identifier} →
 *       {@code user}; {@code temperature}, {@code top_p}, {@code parallel_tool_calls},
 *       {@code prompt_cache_key}, {@code stream} pass; a streaming request gets
 *       {@code stream_options.include_usage:true} so the final usage chunk arrives.</li>
 *   <li>Dropped: {@code metadata}, {@code store}, {@code include}, {@code truncation},
 *       {@code reasoning.summary}, {@code top_logprobs}, {@code max_tool_calls}, {@code service_tier},
 *       and every unknown field. Explicit JSON nulls count as absent.</li>
 * </ul>
 */
public final class ResponsesToChatRequest {
  private static final String LINE = "\n";

  /**
   * What to do with request parts a chat upstream cannot serve.
   *
   * @param dropBuiltInTools leave out non-function tools (and tool choices naming them) instead of a 400
   */
  public record Options(boolean dropBuiltInTools) {
    /** Every unsupported part is a 400. */
    public static final Options STRICT = new Options(false);
  }

  private ResponsesToChatRequest() {
  }

  /** Translates with {@link Options#STRICT}, keeping the request's model. */
  public static ObjectNode translate(ObjectNode request) {
    return translate(request, null, Options.STRICT);
  }

  /** Translates with {@link Options#STRICT}. */
  public static ObjectNode translate(ObjectNode request, String upstreamModel) {
    return translate(request, upstreamModel, Options.STRICT);
  }

  /**
   * Translates one request.
   *
   * @param upstreamModel the model to ask the upstream for; null or blank keeps the request's
   * @throws GatewayException a 400 {@link ApiError#invalidParam} naming the offending field
   */
  public static ObjectNode translate(ObjectNode request, String upstreamModel, Options options) {
    ObjectNode out = Json.object();
    String model = text(request, "model");
    if (model == null || model.isBlank()) {
      throw invalid("model", "you must provide a model parameter");
    }
    out.put("model", upstreamModel == null || upstreamModel.isBlank() ? model : upstreamModel);
    rejectStoredState(request);
    out.set("messages", messages(request));

    JsonNode tools = present(request, "tools");
    ArrayNode chatTools = tools == null ? null : tools(tools, options);
    if (chatTools != null && !chatTools.isEmpty()) {
      out.set("tools", chatTools);
    }
    boolean toolsLeft = chatTools == null || !chatTools.isEmpty();
    JsonNode toolChoice = present(request, "tool_choice");
    if (toolChoice != null && toolsLeft) {
      out.set("tool_choice", toolChoice(toolChoice, options));
    }
    if (toolsLeft) {
      copy(request, "parallel_tool_calls", out, "parallel_tool_calls");
    }

    copy(present(request, "reasoning"), "effort", out, "reasoning_effort");
    JsonNode text = present(request, "text");
    JsonNode format = present(text, "format");
    if (format != null) {
      out.set("response_format", responseFormat(format));
    }
    copy(text, "verbosity", out, "verbosity");
    JsonNode maxTokens = present(request, "max_output_tokens");
    if (maxTokens != null) {
      if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToLong() || maxTokens.asLong() < 1) {
        throw invalid("max_output_tokens", "max_output_tokens must be a positive integer");
      }
      out.set("max_tokens", maxTokens);
    }
    copy(request, "temperature", out, "temperature");
    copy(request, "top_p", out, "top_p");
    copy(request, "prompt_cache_key", out, "prompt_cache_key");
    JsonNode user = present(request, "user");
    if (user == null) {
      user = present(request, "safety_identifier");
    }
    if (user != null) {
      out.set("user", user);
    }
    JsonNode stream = present(request, "stream");
    if (stream != null) {
      out.set("stream", stream);
      if (stream.asBoolean()) {
        out.putObject("stream_options").put("include_usage", true);
      }
    }
    return out;
  }

  private static void rejectStoredState(JsonNode request) {
    for (String field : new String[] {"previous_response_id", "conversation", "prompt"}) {
      if (present(request, field) != null) {
        throw invalid(field, field + " is not supported for this model: its upstream keeps no stored"
            + " responses; send the whole conversation in input");
      }
    }
    if (present(request, "background") != null && request.get("background").asBoolean()) {
      throw invalid("background", "background responses are not supported for this model");
    }
  }

  private static ArrayNode messages(JsonNode request) {
    ArrayNode messages = Json.MAPPER.createArrayNode();
    JsonNode instructions = present(request, "instructions");
    if (instructions != null) {
      if (!instructions.isTextual()) {
        throw invalid("instructions", "instructions must be a string");
      }
      if (!instructions.asText().isEmpty()) {
        messages.addObject().put("role", "system").set("content", instructions);
      }
    }
    JsonNode input = present(request, "input");
    if (input != null && input.isTextual()) {
      messages.addObject().put("role", "user").set("content", input);
    } else if (input != null && input.isArray()) {
      for (int i = 0; i < input.size(); i++) {
        item(input.get(i), "input[" + i + "]", messages);
      }
    } else if (input != null) {
      throw invalid("input", "input must be a string or an array of items");
    }
    if (messages.isEmpty()) {
      throw invalid("input", "input must contain at least one message");
    }
    return messages;
  }

  private static void item(JsonNode item, String path, ArrayNode messages) {
    if (!item.isObject()) {
      throw invalid(path, "each input item must be an object");
    }
    String type = item.path("type").asText("message");
    switch (type) {
      case "message" -> messages.add(message(item, path));
      case "function_call" -> functionCall(item, path, messages);
      case "function_call_output" -> messages.add(toolMessage(item, path));
      case "reasoning" -> {
      }
      case "item_reference" -> throw invalid(path, "item_reference is not supported for this model: its"
          + " upstream keeps no stored items; send the item itself");
      default -> throw invalid(path + ".type", "input item type '" + type + "' is not supported for this"
          + " model; expected message, function_call, function_call_output or reasoning");
    }
  }

  private static ObjectNode message(JsonNode item, String path) {
    String role = item.path("role").asText("");
    JsonNode content = present(item, "content");
    String cpath = path + ".content";
    ObjectNode msg = Json.object();
    switch (role) {
      case "system", "developer" -> msg.put("role", "system").put("content", systemText(content, cpath));
      case "user" -> msg.put("role", "user").set("content", userContent(content, cpath));
      case "assistant" -> assistantContent(content, cpath, msg.put("role", "assistant"));
      default -> throw invalid(path + ".role", "unsupported role '" + role
          + "'; expected user, assistant, system or developer");
    }
    return msg;
  }

  private static String systemText(JsonNode content, String path) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    JsonNode parts = parts(content, path);
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < parts.size(); j++) {
      if (j > 0) {
        sb.append(LINE);
      }
      sb.append(partText(parts.get(j), path + "[" + j + "]"));
    }
    return sb.toString();
  }

  private static JsonNode userContent(JsonNode content, String path) {
    if (content != null && content.isTextual()) {
      return content;
    }
    JsonNode parts = parts(content, path);
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int j = 0; j < parts.size(); j++) {
      JsonNode part = parts.get(j);
      String ppath = path + "[" + j + "]";
      switch (part.path("type").asText("")) {
        case "input_image" -> out.add(image(part, ppath));
        case "input_file" -> out.add(file(part, ppath));
        default -> out.addObject().put("type", "text").put("text", partText(part, ppath));
      }
    }
    return singleText(out);
  }

  private static void assistantContent(JsonNode content, String path, ObjectNode msg) {
    if (content != null && content.isTextual()) {
      msg.set("content", content);
      return;
    }
    ArrayNode texts = Json.MAPPER.createArrayNode();
    StringBuilder refusal = null;
    JsonNode parts = parts(content, path);
    for (int j = 0; j < parts.size(); j++) {
      JsonNode part = parts.get(j);
      if ("refusal".equals(part.path("type").asText())) {
        refusal = (refusal == null ? new StringBuilder() : refusal).append(part.path("refusal").asText(""));
      } else {
        texts.addObject().put("type", "text").put("text", partText(part, path + "[" + j + "]"));
      }
    }
    if (texts.isEmpty()) {
      msg.putNull("content");
    } else {
      msg.set("content", singleText(texts));
    }
    if (refusal != null) {
      msg.put("refusal", refusal.toString());
    }
  }

  private static JsonNode parts(JsonNode content, String path) {
    if (content == null || !content.isArray()) {
      throw invalid(path, "content must be a string or an array of content parts");
    }
    return content;
  }

  /** The text of an {@code input_text} or {@code output_text} part. */
  private static String partText(JsonNode part, String path) {
    String type = part.path("type").asText("");
    if (!type.equals("input_text") && !type.equals("output_text")) {
      throw invalid(path + ".type", "content part type '" + type + "' is not supported here");
    }
    JsonNode text = part.get("text");
    if (text == null || !text.isTextual()) {
      throw invalid(path + ".text", "a text part needs a string 'text'");
    }
    return text.asText();
  }

  /** One text part becomes a plain string, the form every chat server takes. */
  private static JsonNode singleText(ArrayNode parts) {
    if (parts.size() == 1 && "text".equals(parts.get(0).path("type").asText())) {
      return parts.get(0).get("text");
    }
    return parts;
  }

  private static ObjectNode image(JsonNode part, String path) {
    if (present(part, "file_id") != null) {
      throw invalid(path + ".file_id", "file_id is not supported for this model; send image_url"
          + " (a URL or a data URL)");
    }
    String url = text(part, "image_url");
    if (url == null) {
      throw invalid(path + ".image_url", "an input_image part needs image_url");
    }
    ObjectNode out = Json.object().put("type", "image_url");
    ObjectNode image = out.putObject("image_url").put("url", url);
    copy(part, "detail", image, "detail");
    return out;
  }

  private static ObjectNode file(JsonNode part, String path) {
    for (String field : new String[] {"file_id", "file_url"}) {
      if (present(part, field) != null) {
        throw invalid(path + "." + field, field + " is not supported for this model; send the file"
            + " inline as file_data");
      }
    }
    String data = text(part, "file_data");
    if (data == null) {
      throw invalid(path + ".file_data", "an input_file part needs file_data");
    }
    ObjectNode out = Json.object().put("type", "file");
    ObjectNode file = out.putObject("file");
    copy(part, "filename", file, "filename");
    file.put("file_data", data);
    return out;
  }

  private static void functionCall(JsonNode item, String path, ArrayNode messages) {
    String callId = text(item, "call_id");
    if (callId == null) {
      throw invalid(path + ".call_id", "a function_call item needs call_id");
    }
    String name = text(item, "name");
    if (name == null) {
      throw invalid(path + ".name", "a function_call item needs name");
    }
    JsonNode args = present(item, "arguments");
    ObjectNode call = Json.object().put("id", callId).put("type", "function");
    call.putObject("function").put("name", name)
        .put("arguments", args == null ? "" : args.isTextual() ? args.asText() : Json.write(args));

    JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    ObjectNode assistant;
    if (last != null && "assistant".equals(last.path("role").asText())) {
      assistant = (ObjectNode) last;
    } else {
      assistant = messages.addObject().put("role", "assistant").putNull("content");
    }
    JsonNode calls = assistant.get("tool_calls");
    (calls instanceof ArrayNode a ? a : assistant.putArray("tool_calls")).add(call);
  }

  private static ObjectNode toolMessage(JsonNode item, String path) {
    String callId = text(item, "call_id");
    if (callId == null) {
      throw invalid(path + ".call_id", "a function_call_output item needs call_id");
    }
    ObjectNode msg = Json.object().put("role", "tool").put("tool_call_id", callId);
    JsonNode output = present(item, "output");
    if (output == null || output.isTextual()) {
      msg.put("content", output == null ? "" : output.asText());
    } else {
      msg.put("content", systemText(output, path + ".output"));
    }
    return msg;
  }

  private static ArrayNode tools(JsonNode tools, Options options) {
    if (!tools.isArray()) {
      throw invalid("tools", "tools must be an array");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String type = tool.path("type").asText("");
      if (!type.equals("function")) {
        if (options.dropBuiltInTools()) {
          continue;
        }
        throw invalid("tools[" + i + "].type", "tool type '" + type + "' is not supported for this model;"
            + " only function tools are");
      }
      String name = text(tool, "name");
      if (name == null) {
        throw invalid("tools[" + i + "].name", "a function tool needs name");
      }
      ObjectNode fn = out.addObject().put("type", "function").putObject("function").put("name", name);
      copy(tool, "description", fn, "description");
      copy(tool, "parameters", fn, "parameters");
      copy(tool, "strict", fn, "strict");
    }
    return out;
  }

  private static JsonNode toolChoice(JsonNode choice, Options options) {
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
        JsonNode list = choice.get("tools");
        if (list == null || !list.isArray()) {
          throw invalid("tool_choice.tools", "allowed_tools needs a tools array");
        }
        ObjectNode out = Json.object().put("type", "allowed_tools");
        ObjectNode allowed = out.putObject("allowed_tools");
        copy(choice, "mode", allowed, "mode");
        ArrayNode tools = allowed.putArray("tools");
        for (int i = 0; i < list.size(); i++) {
          String path = "tool_choice.tools[" + i + "]";
          JsonNode t = list.get(i);
          if ("function".equals(t.path("type").asText())) {
            tools.add(functionChoice(t, path));
          } else if (!options.dropBuiltInTools()) {
            throw invalid(path + ".type", "only function tools can be allowed for this model");
          }
        }
        return out;
      }
      default -> throw invalid("tool_choice.type", "tool_choice type '" + type
          + "' is not supported for this model; expected function or allowed_tools");
    }
  }

  private static ObjectNode functionChoice(JsonNode choice, String path) {
    String name = text(choice, "name");
    if (name == null) {
      throw invalid(path + ".name", "a function tool choice needs name");
    }
    ObjectNode out = Json.object().put("type", "function");
    out.putObject("function").put("name", name);
    return out;
  }

  private static ObjectNode responseFormat(JsonNode format) {
    String type = format.path("type").asText("");
    switch (type) {
      case "text", "json_object" -> {
        return Json.object().put("type", type);
      }
      case "json_schema" -> {
        String name = text(format, "name");
        if (name == null) {
          throw invalid("text.format.name", "a json_schema format needs a name");
        }
        ObjectNode out = Json.object().put("type", "json_schema");
        ObjectNode schema = out.putObject("json_schema").put("name", name);
        copy(format, "description", schema, "description");
        copy(format, "schema", schema, "schema");
        copy(format, "strict", schema, "strict");
        return out;
      }
      default -> throw invalid("text.format.type", "unsupported text.format type '" + type
          + "'; expected text, json_object or json_schema");
    }
  }

  private static GatewayException invalid(String param, String message) {
    return ApiError.invalidParam(param, message).exception();
  }
}
