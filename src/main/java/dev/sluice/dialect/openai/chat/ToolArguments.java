package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;

/**
 * The {@code arguments} of a chat tool call as the JSON object they encode, for translators toward
 * upstreams that take arguments as objects (Anthropic's {@code tool_use.input}, Gemini's
 * {@code functionCall.args}).
 */
public final class ToolArguments {
  private ToolArguments() {
  }

  /**
   * The object the arguments hold: none or blank is {@code {}}; a string must parse to an object, and so
   * must an object given as it is; otherwise a 400 naming {@code path}.
   */
  public static JsonNode parse(JsonNode args, String path) {
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
}
