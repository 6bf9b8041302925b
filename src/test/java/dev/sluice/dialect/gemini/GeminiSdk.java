package dev.sluice.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.JsonSerializable;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerationConfig;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import dev.sluice.json.Json;
import java.util.Iterator;
import java.util.Set;

/**
 * Checks Gemini trees with the official google-genai Java SDK's types: each member of a request
 * ({@code contents[]}, {@code systemInstruction}, {@code tools[]}, {@code toolConfig},
 * {@code generationConfig}) must read into its SDK type and write back unchanged (so no member is
 * unknown to the SDK or of the wrong type), and nothing else may be in the request.
 */
final class GeminiSdk {
  static final Set<String> REQUEST_MEMBERS = Set.of("contents", "systemInstruction", "tools", "toolConfig",
      "generationConfig");

  private GeminiSdk() {
  }

  static void validRequest(JsonNode request) {
    for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
      assertThat(REQUEST_MEMBERS).as("a GenerateContentRequest member").contains(it.next());
    }
    for (JsonNode c : request.path("contents")) {
      roundTrip(withoutSkipSentinel(c), Content.class);
    }
    if (request.has("systemInstruction")) {
      roundTrip(request.get("systemInstruction"), Content.class);
    }
    for (JsonNode t : request.path("tools")) {
      roundTrip(t, Tool.class);
    }
    if (request.has("toolConfig")) {
      roundTrip(request.get("toolConfig"), ToolConfig.class);
    }
    if (request.has("generationConfig")) {
      roundTrip(request.get("generationConfig"), GenerationConfig.class);
    }
  }

  static void validResponse(JsonNode response) {
    JsonSerializable.fromJsonNode(response, GenerateContentResponse.class);
  }

  /**
   * The SDK types {@code thoughtSignature} as bytes (base64 in JSON); Gemini's documented sentinel is
   * a literal string that is not base64, so it is left out of the check.
   */
  private static JsonNode withoutSkipSentinel(JsonNode content) {
    ObjectNode copy = content.deepCopy();
    for (JsonNode p : copy.path("parts")) {
      if (ToolCallIds.SKIP_SIGNATURE.equals(p.path("thoughtSignature").asText())) {
        ((ObjectNode) p).remove("thoughtSignature");
      }
    }
    return copy;
  }

  private static <T extends JsonSerializable> void roundTrip(JsonNode node, Class<T> type) {
    T parsed = JsonSerializable.fromJsonNode(node, type);
    JsonNode back;
    try {
      back = Json.MAPPER.readTree(parsed.toJson());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(numbersAsDoubles(back)).as("%s as the SDK reads and writes it", type.getSimpleName())
        .isEqualTo(numbersAsDoubles(node));
  }

  private static JsonNode numbersAsDoubles(JsonNode n) {
    if (n.isNumber()) {
      return Json.MAPPER.getNodeFactory().numberNode(n.asDouble());
    }
    if (n.isObject()) {
      ObjectNode o = Json.object();
      n.fields().forEachRemaining(e -> o.set(e.getKey(), numbersAsDoubles(e.getValue())));
      return o;
    }
    if (n.isArray()) {
      var a = Json.MAPPER.createArrayNode();
      n.forEach(x -> a.add(numbersAsDoubles(x)));
      return a;
    }
    return n;
  }
}
