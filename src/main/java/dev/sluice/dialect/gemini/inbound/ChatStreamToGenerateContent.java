package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.List;

/** STUB (text only) until the full translator lands. */
public final class ChatStreamToGenerateContent {
  private final String model;
  private boolean done;

  public ChatStreamToGenerateContent(String model) {
    this.model = model;
  }

  public List<ObjectNode> onChunk(JsonNode chunk) {
    String text = chunk.path("choices").path(0).path("delta").path("content").asText("");
    if (text.isEmpty()) {
      return List.of();
    }
    ObjectNode out = Json.object();
    out.putArray("candidates").addObject().putObject("content").put("role", "model").putArray("parts")
        .addObject().put("text", text);
    out.put("modelVersion", model);
    return List.of(out);
  }

  public List<ObjectNode> onDone() {
    if (done) {
      return List.of();
    }
    done = true;
    ObjectNode out = Json.object();
    ObjectNode c = out.putArray("candidates").addObject();
    c.putObject("content").put("role", "model").putArray("parts").addObject().put("text", "");
    c.put("finishReason", "STOP");
    out.put("modelVersion", model);
    return List.of(out);
  }
}
