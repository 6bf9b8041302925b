package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;

/** STUB (text only) until the full translator lands: a Gemini request as chat completions. */
public final class GenerateContentToChat {
  private GenerateContentToChat() {
  }

  public static ObjectNode translate(ObjectNode request, String model, boolean stream) {
    JsonNode contents = request.get("contents");
    if (contents == null || !contents.isArray() || contents.isEmpty()) {
      throw ApiError.invalidParam("contents", "contents is required").exception();
    }
    ObjectNode chat = Json.object();
    chat.put("model", model);
    ArrayNode messages = chat.putArray("messages");
    for (JsonNode c : contents) {
      StringBuilder text = new StringBuilder();
      for (JsonNode p : c.path("parts")) {
        text.append(p.path("text").asText(""));
      }
      messages.addObject().put("role", "model".equals(c.path("role").asText()) ? "assistant" : "user")
          .put("content", text.toString());
    }
    if (stream) {
      chat.put("stream", true);
      chat.putObject("stream_options").put("include_usage", true);
    }
    return chat;
  }
}
