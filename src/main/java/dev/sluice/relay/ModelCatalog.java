package dev.sluice.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.api.ModelInfo;
import dev.sluice.keys.Principal;

/**
 * Shapes model lists for a caller: OpenAI's Model objects, each with {@code owned_by} and a
 * {@code category} ({@link ModelInfo}), only the models the caller may use.
 */
public final class ModelCatalog {
  private ModelCatalog() {
  }

  /** Annotates an upstream list in place-safe copy, keeping only models the principal may use. */
  public static ObjectNode shape(JsonNode upstreamList, Principal principal) {
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    JsonNode src = upstreamList.path("data");
    if (src.isArray()) {
      for (JsonNode m : src) {
        if (!m.isObject() || !m.path("id").isTextual()) {
          continue;
        }
        String id = m.get("id").asText();
        if (principal != null && !principal.allows(id)) {
          continue;
        }
        ObjectNode copy = ((ObjectNode) m).deepCopy();
        if (!copy.has("object")) {
          copy.put("object", "model");
        }
        if (!copy.has("created")) {
          copy.put("created", 0);
        }
        if (!copy.path("owned_by").isTextual()) {
          copy.put("owned_by", ModelInfo.owner(id));
        }
        if (!copy.path("category").isTextual()) {
          copy.put("category", ModelInfo.category(id));
        }
        data.add(copy);
      }
    }
    return out;
  }
}
