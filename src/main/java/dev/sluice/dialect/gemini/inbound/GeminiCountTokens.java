package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.json.Json;

/** STUB until the full counter lands. */
public final class GeminiCountTokens {
  private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private GeminiCountTokens() {
  }

  public static ObjectNode count(ObjectNode request) {
    StringBuilder text = new StringBuilder();
    request.findValues("text").forEach(t -> text.append(t.asText()).append('\n'));
    return Json.object().put("totalTokens", O200K.countTokens(text.toString()));
  }
}
