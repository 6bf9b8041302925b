package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.sse.SseEvent;

/** Reading one Gemini SSE event: its data, a whole {@code GenerateContentResponse} (or an error). */
final class GeminiEvents {
  private GeminiEvents() {
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
}
