package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/** STUB (text only) until the full translator lands. */
public final class ChatToGenerateContentResponse {
  private ChatToGenerateContentResponse() {
  }

  public static ObjectNode translate(ObjectNode completion, String model) {
    ObjectNode out = Json.object();
    JsonNode choice = completion.path("choices").path(0);
    ObjectNode cand = out.putArray("candidates").addObject();
    cand.putObject("content").put("role", "model").putArray("parts").addObject()
        .put("text", choice.path("message").path("content").asText(""));
    cand.put("finishReason", "STOP");
    cand.put("index", 0);
    JsonNode u = completion.path("usage");
    out.putObject("usageMetadata").put("promptTokenCount", u.path("prompt_tokens").asLong())
        .put("candidatesTokenCount", u.path("completion_tokens").asLong())
        .put("totalTokenCount", u.path("total_tokens").asLong());
    out.put("modelVersion", model);
    return out;
  }
}
