package dev.sluice.dialect.anthropic.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.time.Instant;
import java.util.List;

/**
 * OpenAI model objects ({@code {id, object: "model", created, owned_by}}) as Anthropic's model list
 * {@code {data: [{type: "model", id, display_name, created_at, lifecycle}], has_more: false, first_id, last_id}}:
 * {@code display_name} is the model's {@code display_name} when it has one, else its id;
 * {@code created_at} is {@code created} (Unix seconds) as RFC 3339 UTC, the epoch when missing.
 * {@code lifecycle} is {@code "active"} (the SDKs since 3.x require it: every model the gateway lists
 * is served). Models without an id are skipped; {@code first_id} and {@code last_id} are null for an empty list.
 */
public final class AnthropicModels {
  private AnthropicModels() {
  }

  public static ObjectNode list(List<ObjectNode> openAiModels) {
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    for (ObjectNode m : openAiModels) {
      String id = m.path("id").asText("");
      if (id.isEmpty()) {
        continue;
      }
      ObjectNode model = data.addObject();
      model.put("type", "model");
      model.put("id", id);
      JsonNode name = m.get("display_name");
      model.put("display_name", name != null && name.isTextual() && !name.asText().isBlank() ? name.asText() : id);
      model.put("created_at", Instant.ofEpochSecond(m.path("created").asLong(0)).toString());
      model.put("lifecycle", "active");
    }
    out.put("has_more", false);
    out.put("first_id", data.isEmpty() ? null : data.get(0).get("id").asText());
    out.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).get("id").asText());
    return out;
  }
}
