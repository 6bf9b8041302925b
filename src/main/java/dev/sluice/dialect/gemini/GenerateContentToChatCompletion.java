package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Translates a (non-streaming) Gemini {@code GenerateContentResponse} into a {@code chat.completion}.
 * Stateless and thread-safe.
 *
 * <ul>
 *   <li>id {@code "chatcmpl-"} + {@code responseId}; {@code created} from the clock; {@code model} the
 *       client's.</li>
 *   <li>one choice per candidate ({@code index} the candidate's): text parts joined → {@code content}
 *       (null when there is none but tool calls, else {@code ""}); {@code thought: true} parts →
 *       {@code reasoning_content}; {@code functionCall} parts → {@code tool_calls} with
 *       {@code arguments} the compact JSON of {@code args} and an id from {@link ToolCallIds} carrying
 *       Gemini's call id and the part's {@code thoughtSignature}. Other parts (inline data, code
 *       execution) are dropped; so are text parts' signatures: Gemini only requires the calls'
 *       back.</li>
 *   <li>{@code finishReason} per {@link FinishReasons}; a prompt blocked before any candidate
 *       ({@code promptFeedback.blockReason}) is one empty choice with {@code content_filter}.</li>
 *   <li>usage per {@link GeminiUsage}.</li>
 * </ul>
 */
public final class GenerateContentToChatCompletion {
  private GenerateContentToChatCompletion() {
  }

  /**
   * @param nonces the nonce of each synthesized tool call id ({@link ToolCallIds#randomNonces()})
   */
  public static ObjectNode translate(JsonNode response, String clientModel, Clock clock, Supplier<String> nonces) {
    ObjectNode out = Json.object();
    out.put("id", chatId(response.path("responseId").asText(null)));
    out.put("object", "chat.completion");
    out.put("created", clock.instant().getEpochSecond());
    out.put("model", clientModel);
    ArrayNode choices = out.putArray("choices");
    JsonNode candidates = response.path("candidates");
    for (int i = 0; i < candidates.size(); i++) {
      JsonNode c = candidates.get(i);
      choices.add(choice(c, c.path("index").asInt(i), nonces));
    }
    if (choices.isEmpty()) {
      ObjectNode choice = choices.addObject().put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", "").putNull("refusal");
      choice.putNull("logprobs");
      choice.put("finish_reason", response.path("promptFeedback").has("blockReason") ? "content_filter" : "stop");
    }
    out.set("usage", GeminiUsage.from(response.get("usageMetadata")).toChat());
    return out;
  }

  private static ObjectNode choice(JsonNode candidate, int index, Supplier<String> nonces) {
    StringBuilder text = null;
    StringBuilder thoughts = null;
    ArrayNode toolCalls = null;
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        if (toolCalls == null) {
          toolCalls = Json.MAPPER.createArrayNode();
        }
        toolCalls.add(toolCall(part, nonces));
      } else if (part.path("text").isTextual()) {
        if (part.path("thought").asBoolean(false)) {
          thoughts = append(thoughts, part.get("text").asText());
        } else {
          text = append(text, part.get("text").asText());
        }
      }
    }
    ObjectNode choice = Json.object().put("index", index);
    ObjectNode msg = choice.putObject("message").put("role", "assistant");
    if (text != null || toolCalls == null) {
      msg.put("content", text == null ? "" : text.toString());
    } else {
      msg.putNull("content");
    }
    msg.putNull("refusal");
    if (thoughts != null) {
      msg.put("reasoning_content", thoughts.toString());
    }
    if (toolCalls != null) {
      msg.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", FinishReasons.toFinishReason(candidate.path("finishReason").asText(null),
        toolCalls != null));
    return choice;
  }

  /** The chat tool call of a {@code functionCall} part: {@code {id, type, function: {name, arguments}}}. */
  static ObjectNode toolCall(JsonNode part, Supplier<String> nonces) {
    JsonNode fc = part.path("functionCall");
    String id = ToolCallIds.encode(nonces.get(), fc.path("id").asText(null), part.path("thoughtSignature").asText(null));
    ObjectNode call = Json.object().put("id", id).put("type", "function");
    call.putObject("function").put("name", fc.path("name").asText(""))
        .put("arguments", Json.write(fc.path("args").isObject() ? fc.get("args") : Json.object()));
    return call;
  }

  /** {@code "chatcmpl-"} + the response id (a random one when there is none). */
  static String chatId(String responseId) {
    return "chatcmpl-" + (responseId == null || responseId.isEmpty()
        ? UUID.randomUUID().toString().replace("-", "") : responseId);
  }

  private static StringBuilder append(StringBuilder sb, String s) {
    return (sb == null ? new StringBuilder() : sb).append(s);
  }
}
