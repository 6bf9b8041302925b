package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/**
 * Translates a Chat Completions response into Gemini's {@code GenerateContentResponse}
 * {@code {candidates, usageMetadata, modelVersion, responseId}}.
 *
 * <p>Each choice becomes a candidate (its {@code index} kept, so {@code candidateCount} → {@code n}
 * comes back whole) {@code {content: {parts, role: "model"}, finishReason, index}} whose parts are, in
 * this order: the reasoning ({@code message.reasoning_content}, else {@code message.reasoning}) as a
 * {@code {text, thought: true}} part when the client asked for thoughts, the text of
 * {@code message.content} and of {@code message.refusal}, then one {@code functionCall {id, name,
 * args}} per tool call ({@code args} the parsed arguments, {@code {}} when they are not a JSON object).
 * A choice with none of these has content without parts. {@code finishReason} and
 * {@code usageMetadata} as {@link GeminiParts} maps them; {@code modelVersion} is the client's model,
 * {@code responseId} the chat {@code id}.
 */
public final class ChatToGenerateContentResponse {
  private ChatToGenerateContentResponse() {
  }

  /** The response without thought parts (a client that did not set {@code includeThoughts}). */
  public static ObjectNode translate(ObjectNode chatCompletion, String model) {
    return translate(chatCompletion, model, false);
  }

  /**
   * @param model the model the client asked for, reported as {@code modelVersion}
   * @param includeThoughts whether reasoning comes back as thought parts
   *     ({@link GenerateContentToChat#includeThoughts})
   */
  public static ObjectNode translate(ObjectNode chatCompletion, String model, boolean includeThoughts) {
    ObjectNode out = Json.object();
    ArrayNode candidates = out.putArray("candidates");
    JsonNode choices = chatCompletion.path("choices");
    for (int i = 0; i < choices.size(); i++) {
      JsonNode choice = choices.get(i);
      candidates.add(GeminiParts.candidate(parts(choice.path("message"), includeThoughts),
          GeminiParts.finishReason(text(choice, "finish_reason")), choice.path("index").asInt(i)));
    }
    if (candidates.isEmpty()) {
      candidates.add(GeminiParts.candidate(null, GeminiParts.finishReason(null), 0));
    }
    out.set("usageMetadata", GeminiParts.usageMetadata(chatCompletion.get("usage")));
    out.put("modelVersion", model);
    String id = text(chatCompletion, "id");
    if (id != null) {
      out.put("responseId", id);
    }
    return out;
  }

  private static ArrayNode parts(JsonNode message, boolean includeThoughts) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    String reasoning = text(message, "reasoning_content");
    if (reasoning == null) {
      reasoning = text(message, "reasoning");
    }
    if (reasoning != null && includeThoughts) {
      parts.add(GeminiParts.thought(reasoning));
    }
    for (String field : new String[] {"content", "refusal"}) {
      String text = text(message, field);
      if (text != null) {
        parts.add(GeminiParts.text(text));
      }
    }
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode function = call.path("function");
      parts.add(GeminiParts.functionCall(text(call, "id"), function.path("name").asText(""),
          function.path("arguments").asText("")));
    }
    return parts;
  }
}
