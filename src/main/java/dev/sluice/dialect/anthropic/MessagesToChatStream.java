package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.TokenUsage;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one Anthropic Messages event stream into {@code chat.completion.chunk} objects. One
 * instance per stream; not thread-safe.
 *
 * <ul>
 *   <li>{@code message_start} → the role chunk ({@code role: assistant, content: ""}); the chunk id is
 *       {@code "chatcmpl-"} + the message id, {@code model} the client's.</li>
 *   <li>{@code text_delta} → {@code content}; {@code thinking_delta} → {@code reasoning_content};
 *       {@code signature_delta} → {@code reasoning_signature} ({@link ReasoningSignature}).</li>
 *   <li>a {@code tool_use} block start → {@code tool_calls[{index: k, id, type: function,
 *       function: {name, arguments: ""}}]} where k counts tool calls (0, 1, …), not content blocks;
 *       {@code input_json_delta} → argument fragments at k (a call that got none gets {@code "{}"}
 *       at its block stop). The {@link ReplyPlan#answerTool() answer tool}'s input streams as
 *       {@code content} instead.</li>
 *   <li>{@code message_delta} → a {@code delta: {}} chunk with the finish reason
 *       ({@link StopReasons}), then, with {@code includeUsage}, a {@code choices: []} chunk with the
 *       usage ({@link AnthropicUsage}; {@code message_delta} usage is cumulative).</li>
 *   <li>{@code error} → <b>throws</b> a {@link GatewayException} ({@link AnthropicErrors#fromStreamEvent});
 *       {@code ping}, {@code message_stop}, {@code citations_delta} and unknown types give nothing.</li>
 * </ul>
 */
public final class MessagesToChatStream {
  private enum Kind { TEXT, THINKING, TOOL, ANSWER, OTHER }

  /** One open content block: what it maps to and, for tools, the chat tool call index. */
  private static final class Block {
    final Kind kind;
    final int toolIndex;
    boolean gotInput;

    Block(Kind kind, int toolIndex) {
      this.kind = kind;
      this.toolIndex = toolIndex;
    }
  }

  private final String clientModel;
  private final boolean includeUsage;
  private final Clock clock;
  private final ReplyPlan plan;
  private final Map<Integer, Block> blocks = new HashMap<>();

  private String id;
  private long created;
  private String messageModel;
  private int nextToolIndex;
  private boolean answered;
  private boolean emitted;
  private AnthropicUsage usage = AnthropicUsage.ZERO;
  private String finishReason;
  private GatewayException failure;

  public MessagesToChatStream(String clientModel, boolean includeUsage, Clock clock) {
    this(clientModel, includeUsage, clock, ReplyPlan.DEFAULT);
  }

  /**
   * @param clientModel the model the client asked for, named in every chunk
   * @param includeUsage the client's {@code stream_options.include_usage}
   * @param clock source of {@code created}
   * @param plan what the request translation decided ({@link ChatToMessagesRequest#plan})
   */
  public MessagesToChatStream(String clientModel, boolean includeUsage, Clock clock, ReplyPlan plan) {
    this.clientModel = clientModel;
    this.includeUsage = includeUsage;
    this.clock = clock;
    this.plan = plan;
  }

  /**
   * Feeds one event.
   *
   * @param type the SSE {@code event:} name; null to use the data's {@code type}
   * @param data the parsed SSE {@code data}
   * @return chunks to write, in order; possibly none
   * @throws GatewayException on an {@code error} event
   */
  public List<ObjectNode> onEvent(String type, JsonNode data) {
    if (type == null) {
      type = data.path("type").asText("");
    }
    if (finishReason != null || failure != null) {
      return List.of();
    }
    return switch (type) {
      case "message_start" -> start(data.path("message"));
      case "content_block_start" -> blockStart(data.path("index").asInt(-1), data.path("content_block"));
      case "content_block_delta" -> blockDelta(blocks.get(data.path("index").asInt(-1)), data.path("delta"));
      case "content_block_stop" -> blockStop(blocks.remove(data.path("index").asInt(-1)));
      case "message_delta" -> finish(data);
      case "error" -> {
        failure = AnthropicErrors.fromStreamEvent(data);
        throw failure;
      }
      default -> List.of();
    };
  }

  /**
   * The upstream stream ended: nothing more to write after a finish or a failure.
   *
   * @throws GatewayException a 502 when the stream ended before {@code message_delta}
   */
  public List<ObjectNode> onEnd() {
    if (finishReason != null || failure != null) {
      return List.of();
    }
    failure = ApiError.upstreamError("upstream stream ended before the message finished")
        .failure(emitted ? FailureKind.SERVER_ERROR : FailureKind.BROKE_BEFORE_OUTPUT);
    throw failure;
  }

  /** True once the finish chunk was produced. */
  public boolean finished() {
    return finishReason != null;
  }

  /** The finish reason sent, or null before the finish. */
  public String finishReason() {
    return finishReason;
  }

  /** Token usage so far (final after the finish). */
  public TokenUsage usage() {
    return usage.toTokenUsage();
  }

  private List<ObjectNode> start(JsonNode message) {
    header(message);
    usage = usage.updatedBy(message.get("usage"));
    return List.of(chunk(Json.object().put("role", "assistant").put("content", "")));
  }

  private void header(JsonNode message) {
    if (id == null) {
      id = MessagesToChatCompletion.chatId(message.path("id").asText(null));
      created = clock.instant().getEpochSecond();
      messageModel = message.path("model").asText(clientModel);
    }
  }

  private List<ObjectNode> blockStart(int index, JsonNode block) {
    switch (block.path("type").asText("")) {
      case "text" -> {
        blocks.put(index, new Block(Kind.TEXT, -1));
        return delta("content", block.path("text").asText(""));
      }
      case "thinking" -> {
        blocks.put(index, new Block(Kind.THINKING, -1));
        return delta("reasoning_content", block.path("thinking").asText(""));
      }
      case "tool_use" -> {
        if (plan.isAnswer(block.path("name").asText())) {
          answered = true;
          blocks.put(index, new Block(Kind.ANSWER, -1));
          return List.of();
        }
        Block b = new Block(Kind.TOOL, nextToolIndex++);
        blocks.put(index, b);
        ObjectNode call = toolCall(b);
        call.put("id", block.path("id").asText("")).put("type", "function");
        call.putObject("function").put("name", block.path("name").asText("")).put("arguments", "");
        return List.of(toolChunk(call));
      }
      default -> {
        blocks.put(index, new Block(Kind.OTHER, -1));
        return List.of();
      }
    }
  }

  private List<ObjectNode> blockDelta(Block b, JsonNode delta) {
    if (b == null) {
      return List.of();
    }
    return switch (delta.path("type").asText("")) {
      case "text_delta" -> b.kind == Kind.TEXT ? delta("content", delta.path("text").asText("")) : List.of();
      case "thinking_delta" -> b.kind == Kind.THINKING
          ? delta("reasoning_content", delta.path("thinking").asText("")) : List.of();
      case "signature_delta" -> b.kind == Kind.THINKING ? delta("reasoning_signature",
          new ReasoningSignature(plan.signatureModel(messageModel), delta.path("signature").asText("")).encode())
          : List.of();
      case "input_json_delta" -> input(b, delta.path("partial_json").asText(""));
      default -> List.of();
    };
  }

  private List<ObjectNode> input(Block b, String fragment) {
    if (fragment.isEmpty()) {
      return List.of();
    }
    b.gotInput = true;
    return switch (b.kind) {
      case ANSWER -> delta("content", fragment);
      case TOOL -> List.of(arguments(b, fragment));
      default -> List.of();
    };
  }

  private List<ObjectNode> blockStop(Block b) {
    return b == null || b.gotInput ? List.of() : input(b, "{}");
  }

  private List<ObjectNode> finish(JsonNode data) {
    header(Json.object());
    usage = usage.updatedBy(data.get("usage"));
    finishReason = StopReasons.toFinishReason(data.path("delta").path("stop_reason").asText(null), answered,
        nextToolIndex > 0);
    ObjectNode last = chunk(Json.object());
    if (!includeUsage) {
      return List.of(last);
    }
    ObjectNode usageChunk = envelope();
    usageChunk.putArray("choices");
    usageChunk.set("usage", usage.toChat());
    return List.of(last, usageChunk);
  }

  private ObjectNode toolCall(Block b) {
    return Json.object().put("index", b.toolIndex);
  }

  private ObjectNode arguments(Block b, String fragment) {
    ObjectNode call = toolCall(b);
    call.putObject("function").put("arguments", fragment);
    return toolChunk(call);
  }

  /** A chunk whose delta holds the one tool call {@code call}. */
  private ObjectNode toolChunk(ObjectNode call) {
    ObjectNode delta = Json.object();
    delta.putArray("tool_calls").add(call);
    return chunk(delta);
  }

  private List<ObjectNode> delta(String field, String value) {
    return value.isEmpty() ? List.of() : List.of(chunk(Json.object().put(field, value)));
  }

  /** A chunk of choice 0 with this delta; it carries the finish reason once there is one. */
  private ObjectNode chunk(ObjectNode delta) {
    ObjectNode c = envelope();
    ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    emitted = true;
    return c;
  }

  private ObjectNode envelope() {
    header(Json.object());
    return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", clientModel);
  }
}
