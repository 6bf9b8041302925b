package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/**
 * The Messages {@code messages} array being built: consecutive turns of one role are merged into one
 * turn, and {@code tool_result} blocks go into the user turn right after the assistant turn, ahead of
 * any other block of that turn (the API wants the results first).
 */
final class Turns {
  private final ArrayNode messages = Json.MAPPER.createArrayNode();

  /** Appends blocks as a turn of {@code role}, merged into the last turn when it has that role. */
  void add(String role, ArrayNode blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    ObjectNode last = last(0);
    if (last != null && role.equals(last.path("role").asText())) {
      ((ArrayNode) last.get("content")).addAll(blocks);
      return;
    }
    messages.addObject().put("role", role).set("content", blocks);
  }

  /** Adds one {@code tool_result} block to the user turn following the last assistant turn. */
  void addToolResult(ObjectNode result) {
    ObjectNode last = last(0);
    ObjectNode before = last(1);
    boolean userAfterAssistant = last != null && "user".equals(last.path("role").asText())
        && before != null && "assistant".equals(before.path("role").asText());
    if (!userAfterAssistant) {
      add("user", Json.MAPPER.createArrayNode().add(result));
      return;
    }
    ArrayNode content = (ArrayNode) last.get("content");
    int at = 0;
    while (at < content.size() && "tool_result".equals(content.get(at).path("type").asText())) {
      at++;
    }
    content.insert(at, result);
  }

  /** The last assistant turn's content, or an empty array. */
  JsonNode lastAssistantContent() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("assistant".equals(messages.get(i).path("role").asText())) {
        return messages.get(i).get("content");
      }
    }
    return Json.MAPPER.createArrayNode();
  }

  ArrayNode messages() {
    return messages;
  }

  private ObjectNode last(int back) {
    int i = messages.size() - 1 - back;
    return i >= 0 ? (ObjectNode) messages.get(i) : null;
  }
}
