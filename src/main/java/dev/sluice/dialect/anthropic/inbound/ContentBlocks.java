package dev.sluice.dialect.anthropic.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/** The Anthropic content blocks an answer is made of, shared by the JSON and the streamed translation. */
final class ContentBlocks {
  private ContentBlocks() {
  }

  /** A thinking block; an absent signature is the empty string (as in a stream's block start). */
  static ObjectNode thinking(String thinking, String signature) {
    return Json.object().put("type", "thinking").put("thinking", thinking)
        .put("signature", signature == null ? "" : signature);
  }

  static ObjectNode text(String text) {
    ObjectNode block = Json.object().put("type", "text").put("text", text);
    block.putNull("citations");
    return block;
  }

  static ObjectNode toolUse(String id, String name, ObjectNode input) {
    ObjectNode block = Json.object().put("type", "tool_use").put("id", id).put("name", name);
    block.set("input", input);
    return block;
  }

  /** The message envelope: content and usage as given, {@code stop_sequence} always null. */
  static ObjectNode message(String id, String model, String stopReason, AnthropicUsage usage) {
    ObjectNode m = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
    m.putArray("content");
    m.put("stop_reason", stopReason);
    m.putNull("stop_sequence");
    m.set("usage", usage.toJson());
    return m;
  }
}
