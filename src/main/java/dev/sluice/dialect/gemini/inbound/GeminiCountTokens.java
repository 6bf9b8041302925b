package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.usage.TokenEstimate;

/** STUB until the full counter lands. */
public final class GeminiCountTokens {
  private GeminiCountTokens() {
  }

  public static ObjectNode count(ObjectNode request) {
    return Json.object().put("totalTokens", TokenEstimate.promptTokens(request));
  }
}
