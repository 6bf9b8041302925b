package dev.sluice.dialect.anthropic.inbound;

import static dev.sluice.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * Translates a Chat Completions response into an Anthropic Messages response. Only the first choice
 * counts.
 *
 * <p>Mapping: {@code id} → {@code "msg_" + id} (without a {@code chatcmpl-} prefix; a random one when
 * missing); {@code model} is the client's model; {@code content} is, in this order, a {@code thinking}
 * block from {@code message.reasoning_content} (else {@code message.reasoning}) with the gateway
 * extension {@code message.reasoning_signature} as its {@code signature} ("" when absent), a
 * {@code text} block from {@code message.content} when not empty (and one from {@code message.refusal}), and one {@code tool_use} block per
 * {@code tool_calls[]} entry with {@code input} = the parsed {@code arguments} (see {@link ToolInput}:
 * unparsable or non-object arguments become {@code {}}). {@code finish_reason} → {@code stop_reason} by
 * {@link StopReasons}, {@code stop_sequence} null; {@code usage} by {@link AnthropicUsage}.
 */
public final class ChatToMessagesResponse {
  private static final String CHAT_ID_PREFIX = "chatcmpl-";

  private ChatToMessagesResponse() {
  }

  public static ObjectNode translate(ObjectNode chatCompletion, String clientModel) {
    JsonNode choice = chatCompletion.path("choices").path(0);
    JsonNode message = choice.path("message");
    ObjectNode out = ContentBlocks.message(id(chatCompletion), clientModel,
        StopReasons.of(text(choice, "finish_reason")), AnthropicUsage.fromChat(chatCompletion.get("usage")));
    ArrayNode content = (ArrayNode) out.get("content");
    String reasoning = text(message, "reasoning_content");
    if (reasoning == null) {
      reasoning = text(message, "reasoning");
    }
    if (reasoning != null) {
      content.add(ContentBlocks.thinking(reasoning, text(message, "reasoning_signature")));
    }
    for (String field : new String[] {"content", "refusal"}) {
      String text = text(message, field);
      if (text != null) {
        content.add(ContentBlocks.text(text));
      }
    }
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode function = call.path("function");
      content.add(ContentBlocks.toolUse(call.path("id").asText(""), function.path("name").asText(""),
          ToolInput.parse(function.path("arguments").asText(""))));
    }
    return out;
  }

  private static String id(JsonNode chatCompletion) {
    String id = text(chatCompletion, "id");
    if (id == null) {
      return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }
    return "msg_" + (id.startsWith(CHAT_ID_PREFIX) ? id.substring(CHAT_ID_PREFIX.length()) : id);
  }
}
