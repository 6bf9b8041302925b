package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.sse.SseEvent;

/** Reading one Anthropic SSE event: its JSON, and its type ({@code event:} line, else the data's). */
final class MessagesEvents {
  private MessagesEvents() {
  }

  /** The event's data as JSON, or null for one that is not a JSON object (ignored). */
  static JsonNode parse(SseEvent event) {
    try {
      JsonNode n = Json.parse(event.data());
      return n != null && n.isObject() ? n : null;
    } catch (Exception e) {
      return null;
    }
  }

  static String type(SseEvent event, JsonNode data) {
    return event.event() != null ? event.event() : data.path("type").asText("");
  }
}
