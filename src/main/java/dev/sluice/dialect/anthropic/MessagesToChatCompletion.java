package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.UUID;

/**
 * Translates a (non-streaming) Anthropic Messages response into a {@code chat.completion}. Stateless
 * and thread-safe.
 *
 * <ul>
 *   <li>id {@code "chatcmpl-"} + the message id; {@code created} from the clock; {@code model} the
 *       client's model.</li>
 *   <li>{@code text} blocks joined → {@code content} (null when there is none but tool calls, else
 *       {@code ""}); {@code thinking} blocks → {@code reasoning_content} plus, from the last signed
 *       one, {@code reasoning_signature} ({@link ReasoningSignature}); {@code redacted_thinking} and
 *       server-tool blocks are dropped.</li>
 *   <li>{@code tool_use} → {@code tool_calls} with {@code arguments} the compact JSON of
 *       {@code input}; the {@link ReplyPlan#answerTool() answer tool}'s input is the content
 *       instead.</li>
 *   <li>{@code stop_reason} per {@link StopReasons}; usage per {@link AnthropicUsage}.</li>
 * </ul>
 */
public final class MessagesToChatCompletion {
  private MessagesToChatCompletion() {
  }

  /** Translates a response to a request without an answer tool. */
  public static ObjectNode translate(ObjectNode message, String clientModel, Clock clock) {
    return translate(message, clientModel, clock, ReplyPlan.DEFAULT);
  }

  /** Translates a response to a request {@link ChatToMessagesRequest#plan planned} as {@code plan}. */
  public static ObjectNode translate(ObjectNode message, String clientModel, Clock clock, ReplyPlan plan) {
    StringBuilder text = null;
    StringBuilder thinking = null;
    String signature = null;
    ArrayNode toolCalls = null;
    boolean answered = false;
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText("")) {
        case "text" -> text = append(text, block.path("text").asText(""));
        case "thinking" -> {
          thinking = append(thinking, block.path("thinking").asText(""));
          signature = block.path("signature").asText(signature);
        }
        case "tool_use" -> {
          String arguments = Json.write(block.path("input").isObject() ? block.get("input") : Json.object());
          if (plan.isAnswer(block.path("name").asText())) {
            text = append(text, arguments);
            answered = true;
          } else {
            if (toolCalls == null) {
              toolCalls = Json.MAPPER.createArrayNode();
            }
            ObjectNode call = toolCalls.addObject().put("id", block.path("id").asText("")).put("type", "function");
            call.putObject("function").put("name", block.path("name").asText("")).put("arguments", arguments);
          }
        }
        default -> {
          // redacted_thinking, server tool blocks and unknown blocks have no chat counterpart
        }
      }
    }
    ObjectNode out = Json.object();
    out.put("id", chatId(message.path("id").asText(null)));
    out.put("object", "chat.completion");
    out.put("created", clock.instant().getEpochSecond());
    out.put("model", clientModel);
    ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
    ObjectNode msg = choice.putObject("message").put("role", "assistant");
    if (text != null || toolCalls == null) {
      msg.put("content", text == null ? "" : text.toString());
    } else {
      msg.putNull("content");
    }
    msg.putNull("refusal");
    if (thinking != null) {
      msg.put("reasoning_content", thinking.toString());
    }
    if (signature != null && !signature.isEmpty()) {
      msg.put("reasoning_signature", new ReasoningSignature(
          plan.signatureModel(message.path("model").asText(clientModel)), signature).encode());
    }
    if (toolCalls != null) {
      msg.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", StopReasons.toFinishReason(message.path("stop_reason").asText(null), answered,
        toolCalls != null));
    out.set("usage", AnthropicUsage.from(message.get("usage")).toChat());
    return out;
  }

  /** {@code "chatcmpl-"} + the message id (a random one when there is none). */
  static String chatId(String messageId) {
    return "chatcmpl-" + (messageId == null || messageId.isEmpty()
        ? UUID.randomUUID().toString().replace("-", "") : messageId);
  }

  private static StringBuilder append(StringBuilder sb, String s) {
    return (sb == null ? new StringBuilder() : sb).append(s);
  }
}
