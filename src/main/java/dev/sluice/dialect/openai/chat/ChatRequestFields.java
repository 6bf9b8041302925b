package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;

/**
 * Fields of a chat request read the same way by every translator toward another upstream dialect
 * (Anthropic's Messages, Gemini's generateContent); each refuses what it cannot read with a 400
 * naming the field.
 */
public final class ChatRequestFields {
  private ChatRequestFields() {
  }

  /**
   * The object a tool call's {@code arguments} hold: none or blank is {@code {}}; a string must parse
   * to an object, and so must an object given as it is; otherwise a 400 naming {@code path}.
   */
  public static JsonNode toolArguments(JsonNode args, String path) {
    if (args == null || (args.isTextual() && args.asText().isBlank())) {
      return Json.object();
    }
    JsonNode parsed = args;
    if (args.isTextual()) {
      try {
        parsed = Json.parse(args.asText());
      } catch (JsonProcessingException e) {
        throw ApiError.invalidParam(path, "the arguments are not valid JSON: " + e.getOriginalMessage()).exception();
      }
    }
    if (!parsed.isObject()) {
      throw ApiError.invalidParam(path, "the arguments must be a JSON object").exception();
    }
    return parsed;
  }

  /** {@code stop} (a string or an array of strings) as an array; null when absent or empty. */
  public static JsonNode stopSequences(JsonNode stop) {
    if (stop == null) {
      return null;
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (stop.isTextual()) {
      return out.add(stop.asText());
    }
    if (!stop.isArray()) {
      throw ApiError.invalidParam("stop", "stop must be a string or an array of strings").exception();
    }
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isTextual()) {
        throw ApiError.invalidParam("stop[" + i + "]", "stop must be a string or an array of strings").exception();
      }
      out.add(stop.get(i));
    }
    return out.isEmpty() ? null : out;
  }
}
