package dev.sluice.dialect.openai.responses;

import static dev.sluice.json.JsonFields.present;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.json.Json;

/**
 * The Responses {@code response} object around a translated answer: identity, status, and the
 * request's settings echoed the way the Responses API echoes them ({@code instructions}, {@code tools},
 * {@code tool_choice}, {@code temperature}, ...; null or the API's default when the request had none).
 * {@code store} is always false: nothing is stored. The echoed nodes are shared with the request.
 */
final class ResponseEnvelope {
  private ResponseEnvelope() {
  }

  /** An {@code in_progress} response with empty {@code output} and null {@code usage}. */
  static ObjectNode inProgress(JsonNode request, String id, long createdAt, String model) {
    ObjectNode r = Json.object();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", createdAt);
    r.put("status", "in_progress");
    r.put("background", false);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.set("instructions", orElse(request, "instructions", NullNode.getInstance()));
    r.set("max_output_tokens", orElse(request, "max_output_tokens", NullNode.getInstance()));
    r.put("model", model);
    r.putArray("output");
    JsonNode parallel = present(request, "parallel_tool_calls");
    r.put("parallel_tool_calls", parallel == null || parallel.asBoolean());
    r.putNull("previous_response_id");
    r.set("prompt_cache_key", orElse(request, "prompt_cache_key", NullNode.getInstance()));
    JsonNode reasoning = present(request, "reasoning");
    ObjectNode echoedReasoning = r.putObject("reasoning");
    echoedReasoning.set("effort", orElse(reasoning, "effort", NullNode.getInstance()));
    echoedReasoning.set("summary", orElse(reasoning, "summary", NullNode.getInstance()));
    r.set("safety_identifier", orElse(request, "safety_identifier", NullNode.getInstance()));
    r.put("store", false);
    r.set("temperature", orElse(request, "temperature", NullNode.getInstance()));
    JsonNode text = present(request, "text");
    ObjectNode echoedText = r.putObject("text");
    echoedText.set("format", orElse(text, "format", Json.object().put("type", "text")));
    echoedText.set("verbosity", orElse(text, "verbosity", NullNode.getInstance()));
    r.set("tool_choice", orElse(request, "tool_choice", TextNode.valueOf("auto")));
    r.set("tools", orElse(request, "tools", Json.MAPPER.createArrayNode()));
    r.set("top_p", orElse(request, "top_p", NullNode.getInstance()));
    r.set("truncation", orElse(request, "truncation", TextNode.valueOf("disabled")));
    r.putNull("usage");
    r.set("user", orElse(request, "user", NullNode.getInstance()));
    r.set("metadata", orElse(request, "metadata", Json.object()));
    return r;
  }

  private static JsonNode orElse(JsonNode node, String field, JsonNode fallback) {
    JsonNode v = present(node, field);
    return v == null ? fallback : v;
  }
}
