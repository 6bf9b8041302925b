package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.at;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.bool;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.field;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.name;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.object;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.requiredString;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A Gemini conversation ({@code contents[]}) as chat messages. One instance per request: it remembers
 * the function calls of earlier model turns, which function responses must answer.
 *
 * <ul>
 *   <li>A part holds exactly one of {@code text}, {@code inlineData}, {@code fileData},
 *       {@code functionCall}, {@code functionResponse} (also {@code executableCode},
 *       {@code codeExecutionResult}, refused); none is a 400, except a model part carrying only a
 *       {@code thoughtSignature}, skipped. {@code thought: true} parts are dropped
 *       (thought summaries are not replayed to models); {@code thoughtSignature},
 *       {@code partMetadata}, {@code videoMetadata} and {@code mediaResolution} are ignored. A content
 *       needs a non-empty {@code parts}.</li>
 *   <li>User turns: text, inline data and file data → content parts by {@link UserParts} (a single text
 *       part stays a plain string); {@code functionResponse} parts → {@code role: tool} messages, placed
 *       before the user message of the turn's other parts, so they follow the assistant's calls. A
 *       response is paired with an unanswered call of an earlier model turn by {@code id}, else (no
 *       id, or an id no call has: the Gemini CLI invents ids for calls that had none) with the first
 *       unanswered call of the same {@code name}; none matching is a 400. Its content is the
 *       {@code response} object as compact JSON, or the string when the response is
 *       {@code {"output": "<string>"}} alone. Multimodal {@code functionResponse.parts} are dropped.</li>
 *   <li>Model turns: text parts → {@code content} (concatenated: streamed fragments); {@code functionCall}
 *       → {@code tool_calls} ({@code arguments} = compact JSON of {@code args}, {@code {}} when absent),
 *       with Gemini's {@code id}, else {@code call_<content index>_<part index>} (stable as the
 *       conversation grows). A model turn without text or calls (thoughts, empty text) is left out.
 *       Other parts are a 400.</li>
 * </ul>
 */
final class Turns {
  private static final String[] DATA = {"text", "inlineData", "fileData", "functionCall", "functionResponse",
      "executableCode", "codeExecutionResult"};

  /** A function call of an earlier model turn. */
  private static final class Call {
    final String id;
    final String geminiId;
    final String name;
    boolean answered;

    Call(String id, String geminiId, String name) {
      this.id = id;
      this.geminiId = geminiId;
      this.name = name;
    }
  }

  private final ArrayNode out;
  private final List<Call> calls = new ArrayList<>();

  Turns(ArrayNode out) {
    this.out = out;
  }

  /**
   * The shape every target needs, Gemini's own included (it refuses the same): {@code contents} a
   * non-empty array of objects, each with a non-empty {@code parts} array; a 400 naming the field.
   */
  static void checkShape(JsonNode request) {
    JsonNode contents = field(request, "contents");
    String path = at("", request, "contents");
    if (contents == null || !contents.isArray() || contents.isEmpty()) {
      throw invalid(path, "contents must be a non-empty array of {role, parts}");
    }
    for (int i = 0; i < contents.size(); i++) {
      String contentPath = path + "[" + i + "]";
      JsonNode content = contents.get(i);
      if (!content.isObject()) {
        throw invalid(contentPath, "each content must be an object {role, parts}");
      }
      JsonNode parts = field(content, "parts");
      if (parts == null || !parts.isArray() || parts.isEmpty()) {
        throw invalid(at(contentPath, content, "parts"), "parts must be a non-empty array");
      }
    }
  }

  void translate(JsonNode request) {
    checkShape(request);
    JsonNode contents = field(request, "contents");
    String path = at("", request, "contents");
    for (int i = 0; i < contents.size(); i++) {
      String contentPath = path + "[" + i + "]";
      JsonNode content = contents.get(i);
      String role = GenerateContentToChat.role(content, contentPath);
      JsonNode parts = field(content, "parts");
      String partsPath = at(contentPath, content, "parts");
      switch (role) {
        case "user", "function" -> user(parts, partsPath);
        case "model" -> model(parts, partsPath, i);
        default -> throw invalid(at(contentPath, content, "role"), "role must be user or model, got '"
            + string(content, "role", contentPath) + "'");
      }
    }
  }

  private void user(JsonNode parts, String path) {
    ArrayNode chatParts = Json.MAPPER.createArrayNode();
    for (int j = 0; j < parts.size(); j++) {
      String partPath = path + "[" + j + "]";
      JsonNode part = parts.get(j);
      String kind = kind(part, partPath, false);
      if (kind == null) {
        continue;
      }
      String at = partPath + "." + name(part, kind);
      switch (kind) {
        case "text" -> chatParts.addObject().put("type", "text").put("text", field(part, "text").asText());
        case "inlineData" -> chatParts.add(UserParts.inlineData(object(part, kind, partPath), at));
        case "fileData" -> chatParts.add(UserParts.fileData(object(part, kind, partPath), at));
        case "functionResponse" -> functionResponse(object(part, kind, partPath), at);
        case "functionCall" -> throw invalid(at, "functionCall parts belong to model turns");
        default -> throw invalid(at, kind + " parts need the code execution tool, which is not available for"
            + " this model");
      }
    }
    if (chatParts.isEmpty()) {
      return;
    }
    ObjectNode m = out.addObject().put("role", "user");
    if (chatParts.size() == 1 && chatParts.get(0).path("type").asText().equals("text")) {
      m.set("content", chatParts.get(0).get("text"));
    } else {
      m.set("content", chatParts);
    }
  }

  private void model(JsonNode parts, String path, int contentIndex) {
    StringBuilder text = new StringBuilder();
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (int j = 0; j < parts.size(); j++) {
      String partPath = path + "[" + j + "]";
      JsonNode part = parts.get(j);
      String kind = kind(part, partPath, true);
      if (kind == null) {
        continue;
      }
      String at = partPath + "." + name(part, kind);
      switch (kind) {
        case "text" -> text.append(field(part, "text").asText());
        case "functionCall" -> toolCalls.add(functionCall(object(part, kind, partPath), at,
            "call_" + contentIndex + "_" + j));
        default -> throw invalid(at, kind + " parts cannot be sent in a model turn for this model; model turns"
            + " hold text and functionCall parts");
      }
    }
    if (text.isEmpty() && toolCalls.isEmpty()) {
      return;
    }
    ObjectNode m = out.addObject().put("role", "assistant");
    if (!text.isEmpty()) {
      m.put("content", text.toString());
    } else {
      m.putNull("content");
    }
    if (!toolCalls.isEmpty()) {
      m.set("tool_calls", toolCalls);
    }
  }

  /**
   * The data field a part holds; null for a thought part (and, in a model turn, a part carrying only
   * a {@code thoughtSignature}); a 400 for none or several.
   */
  private static String kind(JsonNode part, String path, boolean model) {
    if (!part.isObject()) {
      throw invalid(path, "each part must be an object");
    }
    String kind = null;
    for (String data : DATA) {
      if (field(part, data) != null) {
        if (kind != null) {
          throw invalid(path, "a part holds one of " + String.join(", ", DATA) + "; this one has " + kind
              + " and " + data);
        }
        kind = data;
      }
    }
    if (kind == null && model && field(part, "thoughtSignature") != null) {
      return null;
    }
    if (kind == null) {
      throw invalid(path, "a part needs data: one of text, inlineData, fileData, functionCall or functionResponse");
    }
    if (kind.equals("text") && !field(part, "text").isTextual()) {
      throw invalid(path + "." + name(part, "text"), "text must be a string");
    }
    return Boolean.TRUE.equals(bool(part, "thought", path)) ? null : kind;
  }

  private ObjectNode functionCall(JsonNode call, String path, String fallbackId) {
    String name = requiredString(call, "name", path);
    JsonNode args = field(call, "args");
    if (args != null && !args.isObject()) {
      throw invalid(at(path, call, "args"), "functionCall.args must be an object");
    }
    String geminiId = string(call, "id", path);
    String id = geminiId == null || geminiId.isEmpty() ? fallbackId : geminiId;
    calls.add(new Call(id, geminiId, name));
    ObjectNode toolCall = Json.object().put("id", id).put("type", "function");
    toolCall.putObject("function").put("name", name).put("arguments", args == null ? "{}" : Json.write(args));
    return toolCall;
  }

  private void functionResponse(JsonNode response, String path) {
    String name = requiredString(response, "name", path);
    String id = string(response, "id", path);
    JsonNode body = field(response, "response");
    if (body != null && !body.isObject()) {
      throw invalid(at(path, response, "response"), "functionResponse.response must be an object");
    }
    Call call = match(id, name);
    if (call == null) {
      throw invalid(path, "this functionResponse (name '" + name + "'" + (id == null ? "" : ", id '" + id + "'")
          + ") answers no functionCall of an earlier model turn");
    }
    call.answered = true;
    out.addObject().put("role", "tool").put("tool_call_id", call.id).put("content", content(body));
  }

  private Call match(String id, String name) {
    if (id != null && !id.isEmpty()) {
      for (Call c : calls) {
        if (!c.answered && id.equals(c.geminiId)) {
          return c;
        }
      }
    }
    for (Call c : calls) {
      if (!c.answered && c.name.equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static String content(JsonNode body) {
    if (body == null) {
      return "{}";
    }
    JsonNode output = body.get("output");
    if (body.size() == 1 && output != null && output.isTextual()) {
      return output.asText();
    }
    return Json.write(body);
  }
}
