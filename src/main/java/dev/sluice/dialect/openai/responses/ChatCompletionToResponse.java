package dev.sluice.dialect.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.UUID;

/**
 * Translates a non-streaming {@code chat.completion} into the Responses API {@code response} object.
 * Stateless and thread-safe.
 *
 * <p>The completion's first choice is replayed as one chunk through {@link ChatToResponsesStream},
 * so the output items, statuses, ids and usage are exactly those the streaming translation ends
 * with: {@code message.reasoning_content} → a {@code reasoning} item, {@code content} → a
 * {@code message} item with one {@code output_text} part, {@code refusal} → a {@code refusal} part,
 * {@code tool_calls} → {@code function_call} items in order; {@code finish_reason} {@code length} /
 * {@code content_filter} → {@code status:"incomplete"} with {@code incomplete_details.reason}
 * {@code max_output_tokens} / {@code content_filter}; chat {@code usage} → Responses {@code usage}.
 */
public final class ChatCompletionToResponse {
  private ChatCompletionToResponse() {
  }

  /** Translates with a random id seed and the system clock. */
  public static ObjectNode translate(JsonNode completion, JsonNode request) {
    return translate(completion, request, UUID.randomUUID().toString().replace("-", ""), Clock.systemUTC());
  }

  /**
   * Translates one completion.
   *
   * @param request the client's Responses request, echoed in the response
   * @param idSeed makes every id of the response (see {@link ChatToResponsesStream})
   * @param clock source of {@code created_at}
   */
  public static ObjectNode translate(JsonNode completion, JsonNode request, String idSeed, Clock clock) {
    ChatToResponsesStream stream = new ChatToResponsesStream(request, idSeed, clock);
    stream.onChunk(asChunk(completion));
    stream.onDone();
    return stream.response();
  }

  /** The completion as one chunk: its first choice's message as the delta, tool calls indexed. */
  static ObjectNode asChunk(JsonNode completion) {
    ObjectNode chunk = Json.object();
    chunk.set("model", completion.get("model"));
    chunk.set("usage", completion.get("usage"));
    JsonNode choice = completion.path("choices").path(0);
    ObjectNode c = chunk.putArray("choices").addObject().put("index", 0);
    ObjectNode delta = choice.path("message").isObject() ? ((ObjectNode) choice.get("message")).deepCopy()
        : Json.object();
    JsonNode calls = delta.get("tool_calls");
    if (calls instanceof ArrayNode list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof ObjectNode call) {
          call.put("index", i);
        }
      }
    }
    c.set("delta", delta);
    c.set("finish_reason", choice.get("finish_reason"));
    return chunk;
  }
}
