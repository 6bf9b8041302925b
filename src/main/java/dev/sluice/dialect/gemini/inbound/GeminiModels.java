package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.List;

/** STUB until the full shape lands. */
public final class GeminiModels {
  private GeminiModels() {
  }

  public static ObjectNode list(List<ObjectNode> openAiModels) {
    ObjectNode out = Json.object();
    ArrayNode models = out.putArray("models");
    openAiModels.forEach(m -> models.add(model(m)));
    return out;
  }

  public static ObjectNode model(ObjectNode openAiModel) {
    String id = openAiModel.path("id").asText();
    ObjectNode m = Json.object();
    m.put("name", "models/" + id);
    m.put("displayName", id);
    m.putArray("supportedGenerationMethods").add("generateContent").add("streamGenerateContent").add("countTokens");
    return m;
  }
}
