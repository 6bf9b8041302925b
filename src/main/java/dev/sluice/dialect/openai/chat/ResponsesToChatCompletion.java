package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.responses.ResponsesErrors;
import dev.sluice.dialect.openai.responses.ResponsesStreamAssembler;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.Optional;

/**
 * Builds a non-streaming {@code chat.completion} from a Responses result: either feed the event
 * stream ({@link #onEvent}, then {@link #result()}; one instance per stream, not thread-safe), or
 * convert a final {@code response} object with the static, thread-safe {@link #fromResponse}.
 *
 * <p>Text of all {@code output_text} parts is concatenated into {@code content} (null when there is
 * none, e.g. only tool calls); {@code refusal} parts into {@code refusal} (null when none);
 * {@code function_call} items become {@code tool_calls}; {@code url_citation} annotations are
 * mapped. Ids, finish reasons and usage follow {@link ResponsesToChatStream}.
 */
public final class ResponsesToChatCompletion {
  private final ResponsesStreamAssembler assembler = new ResponsesStreamAssembler();
  private final String requestedModel;
  private final Clock clock;

  public ResponsesToChatCompletion(String requestedModel) {
    this(requestedModel, Clock.systemUTC());
  }

  public ResponsesToChatCompletion(String requestedModel, Clock clock) {
    this.requestedModel = requestedModel;
    this.clock = clock;
  }

  /**
   * Feeds one Responses event.
   *
   * @throws GatewayException on {@code response.failed} or {@code error}
   */
  public void onEvent(JsonNode event) {
    assembler.onEvent(event);
  }

  /** True once {@code response.completed} or {@code response.incomplete} arrived. */
  public boolean finished() {
    return assembler.finished();
  }

  /** The last {@code codex.rate_limits} event seen, whole. */
  public Optional<JsonNode> lastRateLimits() {
    return assembler.lastRateLimits();
  }

  /**
   * The completion.
   *
   * @throws GatewayException the upstream failure, or a 502 when the stream ended early
   */
  public ObjectNode result() {
    return fromResponse(assembler.response(), requestedModel, clock);
  }

  /** Token usage of the finished response ({@link TokenUsage#ZERO} before the finish). */
  public TokenUsage usage() {
    return assembler.finished() ? TokenUsage.fromResponses(assembler.response().get("usage")) : TokenUsage.ZERO;
  }

  /** Converts a final Responses object. */
  public static ObjectNode fromResponse(JsonNode response) {
    return fromResponse(response, null, Clock.systemUTC());
  }

  /**
   * Converts a final Responses object.
   *
   * @param requestedModel used when the response has no {@code model}
   * @param clock used when the response has no {@code created_at}
   * @throws GatewayException when the response's status is {@code failed}
   */
  public static ObjectNode fromResponse(JsonNode response, String requestedModel, Clock clock) {
    String status = response.path("status").asText("");
    if (status.equals("failed")) {
      throw ResponsesErrors.fromResponse(response).exception();
    }
    StringBuilder text = null;
    StringBuilder refusal = null;
    ArrayNode annotations = null;
    ArrayNode toolCalls = null;
    for (JsonNode item : response.path("output")) {
      String type = item.path("type").asText("");
      if (type.equals("message")) {
        for (JsonNode part : item.path("content")) {
          String partType = part.path("type").asText("");
          if (partType.equals("output_text")) {
            if (text == null) {
              text = new StringBuilder();
            }
            int offset = text.length();
            text.append(part.path("text").asText(""));
            annotations = annotations(part.path("annotations"), offset, annotations);
          } else if (partType.equals("refusal")) {
            if (refusal == null) {
              refusal = new StringBuilder();
            }
            refusal.append(part.path("refusal").asText(""));
          }
        }
      } else if (type.equals("function_call")) {
        if (toolCalls == null) {
          toolCalls = Json.MAPPER.createArrayNode();
        }
        ObjectNode call = toolCalls.addObject();
        call.put("id", item.path("call_id").asText(""));
        call.put("type", "function");
        ObjectNode fn = call.putObject("function");
        fn.put("name", item.path("name").asText(""));
        fn.put("arguments", item.path("arguments").asText(""));
      }
    }

    ObjectNode out = Json.object();
    out.put("id", ResponsesToChatStream.chatId(response.path("id").asText(null)));
    out.put("object", "chat.completion");
    JsonNode createdAt = response.get("created_at");
    out.put("created", createdAt != null && createdAt.canConvertToLong() ? createdAt.asLong()
        : clock.instant().getEpochSecond());
    String model = response.path("model").asText("");
    out.put("model", model.isEmpty() && requestedModel != null ? requestedModel : model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (text != null && (text.length() > 0 || (toolCalls == null && refusal == null))) {
      message.put("content", text.toString());
    } else if (text == null && toolCalls == null && refusal == null) {
      message.put("content", "");
    } else {
      message.putNull("content");
    }
    if (refusal != null) {
      message.put("refusal", refusal.toString());
    } else {
      message.putNull("refusal");
    }
    if (annotations != null) {
      message.set("annotations", annotations);
    }
    if (toolCalls != null) {
      message.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason(response, status, toolCalls != null));
    out.set("usage", TokenUsage.fromResponses(response.get("usage")).toChat());
    return out;
  }

  static String finishReason(JsonNode response, String status, boolean toolCalls) {
    if (status.equals("incomplete") || response.path("incomplete_details").isObject()) {
      return "content_filter".equals(response.path("incomplete_details").path("reason").asText())
          ? "content_filter" : "length";
    }
    return toolCalls ? "tool_calls" : "stop";
  }

  private static ArrayNode annotations(JsonNode list, int offset, ArrayNode into) {
    for (JsonNode a : list) {
      if (!"url_citation".equals(a.path("type").asText())) {
        continue;
      }
      if (into == null) {
        into = Json.MAPPER.createArrayNode();
      }
      ObjectNode cite = into.addObject().put("type", "url_citation").putObject("url_citation");
      cite.put("start_index", a.path("start_index").asInt() + offset);
      cite.put("end_index", a.path("end_index").asInt() + offset);
      cite.put("title", a.path("title").asText(""));
      cite.put("url", a.path("url").asText(""));
    }
    return into;
  }
}
