package dev.sluice.dialect.openai.responses;

import static dev.sluice.json.JsonFields.present;
import static dev.sluice.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.TokenUsage;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one stream of {@code chat.completion.chunk} objects into the Responses API event
 * sequence, for a Responses client served by a chat-only upstream. One instance per stream; not
 * thread-safe. Events are returned as trees; the caller frames them ({@code event: TYPE},
 * {@code data: JSON}).
 *
 * <p>Sequence, as the Responses API streams it (every event has a {@code sequence_number} from 0):
 * <ol>
 *   <li>{@code response.created}, {@code response.in_progress}, at the first chunk;</li>
 *   <li>{@code delta.reasoning_content} (DeepSeek; also {@code delta.reasoning}) → a {@code reasoning}
 *       item with one {@code summary_text} part: {@code output_item.added},
 *       {@code reasoning_summary_part.added}, {@code reasoning_summary_text.delta}...,
 *       {@code reasoning_summary_text.done}, {@code reasoning_summary_part.done},
 *       {@code output_item.done}. Summary events, not {@code reasoning_text}, because those are what
 *       clients display by default (the Codex CLI shows summaries; raw reasoning text only when
 *       asked to);</li>
 *   <li>{@code delta.content} → a {@code message} item: {@code output_item.added},
 *       {@code content_part.added}, {@code output_text.delta}..., {@code output_text.done},
 *       {@code content_part.done}, {@code output_item.done}; {@code delta.refusal} → a {@code refusal}
 *       part of the same message with {@code refusal.delta}/{@code refusal.done};</li>
 *   <li>each {@code delta.tool_calls[]} index → a {@code function_call} item ({@code call_id} from the
 *       chunk's {@code id}, {@code output_item.added} once the name is known, then
 *       {@code function_call_arguments.delta}..., {@code .done}, {@code output_item.done});</li>
 *   <li>at {@link #onDone()}: {@code response.completed}, or {@code response.incomplete} with
 *       {@code incomplete_details.reason} {@code max_output_tokens} (finish_reason {@code length}) or
 *       {@code content_filter}; its {@code response} has the full {@code output} and {@code usage}
 *       (from the {@code choices:[]} usage chunk or usage on any chunk; null if none came).</li>
 * </ol>
 * Within one chunk, reasoning comes first, then refusal, text and tool calls (the order a
 * non-streaming message is replayed in, see {@link ChatCompletionToResponse}).
 * An item is closed when an item of another kind (or another tool call) starts, or at the finish;
 * items cut off by {@code length}/{@code content_filter} end with status {@code incomplete}. Argument
 * fragments for a tool call that was already closed (an upstream interleaving calls) still reach the
 * final {@code output}, but no event. Ids derive from the seed: {@code resp_SEED}, {@code rs_SEED_N},
 * {@code msg_SEED_N}, {@code fc_SEED_N} ({@code N} the output index), {@code call_SEED_K} for a call
 * without id; {@code created_at} comes from the clock, {@code model} from the chunks (else the request).
 */
public final class ChatToResponsesStream {
  private final JsonNode request;
  private final String seed;
  private final Clock clock;
  private final ArrayNode output = Json.MAPPER.createArrayNode();
  private final Map<Integer, FunctionCall> calls = new HashMap<>();

  private List<ObjectNode> events;
  private int sequence;
  private ObjectNode envelope;
  private Item current;
  private String finishReason;
  private TokenUsage usage;
  private ObjectNode response;

  /**
   * @param request the client's Responses request, echoed in the {@code response} object
   * @param idSeed makes every id of this response; unique per response
   * @param clock source of {@code created_at}
   */
  public ChatToResponsesStream(JsonNode request, String idSeed, Clock clock) {
    this.request = request;
    this.seed = idSeed;
    this.clock = clock;
  }

  /** The response id, {@code resp_} + the seed. */
  public String responseId() {
    return "resp_" + seed;
  }

  /**
   * Feeds one chunk (the parsed JSON of one SSE {@code data} line other than {@code [DONE]}).
   *
   * @return the events to send, in order; empty after {@link #onDone()}
   */
  public List<ObjectNode> onChunk(JsonNode chunk) {
    if (response != null) {
      return List.of();
    }
    List<ObjectNode> out = begin(chunk);
    JsonNode chunkUsage = present(chunk, "usage");
    if (chunkUsage != null && chunkUsage.isObject()) {
      usage = TokenUsage.fromChat(chunkUsage);
    }
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("index").asInt(0) != 0) {
        continue;
      }
      JsonNode delta = choice.path("delta");
      String reasoning = text(delta, "reasoning_content");
      if (reasoning == null) {
        reasoning = text(delta, "reasoning");
      }
      if (reasoning != null) {
        current(Reasoning.class).append(reasoning);
      }
      String refusal = text(delta, "refusal");
      if (refusal != null) {
        current(Message.class).append(refusal, true);
      }
      String content = text(delta, "content");
      if (content != null) {
        current(Message.class).append(content, false);
      }
      for (JsonNode call : delta.path("tool_calls")) {
        toolCall(call);
      }
      String finish = text(choice, "finish_reason");
      if (finish != null) {
        finishReason = finish;
        close();
      }
    }
    return out;
  }

  /**
   * Ends the stream (the upstream's {@code [DONE]}, or its end without one): closes what is open and
   * emits {@code response.completed} or {@code response.incomplete}.
   *
   * @return the closing events; empty when called again
   */
  public List<ObjectNode> onDone() {
    if (response != null) {
      return List.of();
    }
    List<ObjectNode> out = begin(null);
    close();
    String reason = incompleteReason();
    ObjectNode r = envelope.deepCopy();
    r.put("status", reason == null ? "completed" : "incomplete");
    if (reason != null) {
      r.putObject("incomplete_details").put("reason", reason);
    }
    r.set("output", output.deepCopy());
    if (usage != null) {
      r.set("usage", usage.toResponses());
    }
    response = r;
    emit(event(reason == null ? "response.completed" : "response.incomplete").set("response", r.deepCopy()));
    return out;
  }

  /** True once {@link #onDone()} ran. */
  public boolean finished() {
    return response != null;
  }

  /**
   * The final response object, as in the last event.
   *
   * @throws IllegalStateException before {@link #onDone()}
   */
  public ObjectNode response() {
    if (response == null) {
      throw new IllegalStateException("the stream has not finished");
    }
    return response;
  }

  /** Token usage reported so far; {@link TokenUsage#ZERO} when none. */
  public TokenUsage usage() {
    return usage == null ? TokenUsage.ZERO : usage;
  }

  /** The upstream's finish reason, or null before it came. */
  public String finishReason() {
    return finishReason;
  }

  /**
   * Ends the stream with {@code response.failed} for an error that cut the upstream stream short; its
   * {@code response} keeps the items closed so far (not the open one) and carries {@code error {code, message}}, the code
   * being one the Responses schema knows: {@code rate_limit_exceeded} for a 429, else
   * {@code server_error}.
   *
   * @return the events to send; empty when the stream already ended
   */
  public List<ObjectNode> onFailure(ApiError error) {
    if (response != null) {
      return List.of();
    }
    List<ObjectNode> out = begin(null);
    ObjectNode r = envelope.deepCopy();
    r.put("status", "failed");
    ObjectNode err = r.putObject("error");
    err.put("code", error.status() == 429 ? "rate_limit_exceeded" : "server_error");
    err.put("message", error.message());
    ArrayNode closed = r.putArray("output");
    for (JsonNode item : output) {
      if (!item.isEmpty()) {
        closed.add(item.deepCopy());
      }
    }
    response = r;
    emit(event("response.failed").set("response", r.deepCopy()));
    return out;
  }

  private List<ObjectNode> begin(JsonNode chunk) {
    events = new ArrayList<>(4);
    if (envelope == null) {
      String model = chunk == null ? null : text(chunk, "model");
      if (model == null) {
        model = text(request, "model");
      }
      envelope = ResponseEnvelope.inProgress(request, responseId(), clock.instant().getEpochSecond(),
          model == null ? "" : model);
      emit(event("response.created").set("response", envelope.deepCopy()));
      emit(event("response.in_progress").set("response", envelope.deepCopy()));
    }
    return events;
  }

  private String incompleteReason() {
    if ("length".equals(finishReason)) {
      return "max_output_tokens";
    }
    return "content_filter".equals(finishReason) ? "content_filter" : null;
  }

  private void toolCall(JsonNode delta) {
    JsonNode idx = delta.get("index");
    int index;
    if (idx != null && idx.canConvertToInt()) {
      index = idx.asInt();
    } else if (text(delta, "id") == null && current instanceof FunctionCall open) {
      index = open.chatIndex;
    } else {
      index = calls.size();
    }
    FunctionCall call = calls.get(index);
    if (call == null) {
      close();
      call = new FunctionCall(output.size(), index);
      calls.put(index, call);
      current = call;
    }
    call.update(text(delta, "id"), text(delta.path("function"), "name"));
    JsonNode args = present(delta.path("function"), "arguments");
    if (args != null && args.isTextual() && !args.asText().isEmpty()) {
      call.append(args.asText());
    }
  }

  /** The open item if it is of this kind, else a new one after closing the open one. */
  @SuppressWarnings("unchecked")
  private <T extends Item> T current(Class<T> kind) {
    if (kind.isInstance(current)) {
      return (T) current;
    }
    close();
    int index = output.size();
    current = kind == Reasoning.class ? new Reasoning(index) : new Message(index);
    return (T) current;
  }

  private void close() {
    if (current != null) {
      current.close(incompleteReason() == null ? "completed" : "incomplete");
      current = null;
    }
  }

  private ObjectNode event(String type) {
    return Json.object().put("type", type);
  }

  private void emit(ObjectNode event) {
    event.put("sequence_number", sequence++);
    events.add(event);
  }

  /** One output item; takes its output index when created, so nothing else may open before it closes. */
  private abstract class Item {
    final int outputIndex;
    final String id;

    Item(int outputIndex, String prefix) {
      this.outputIndex = outputIndex;
      this.id = prefix + seed + "_" + outputIndex;
      output.add(Json.object());
    }

    abstract ObjectNode item(String status);

    abstract void close(String status);

    void added() {
      emit(event("response.output_item.added").put("output_index", outputIndex).set("item", item("in_progress")));
    }

    void done(String status) {
      ObjectNode item = item(status);
      output.set(outputIndex, item);
      emit(event("response.output_item.done").put("output_index", outputIndex).set("item", item.deepCopy()));
    }

    ObjectNode on(String type) {
      return event(type).put("item_id", id).put("output_index", outputIndex);
    }
  }

  private final class Reasoning extends Item {
    private final StringBuilder text = new StringBuilder();

    Reasoning(int outputIndex) {
      super(outputIndex, "rs_");
      added();
      emit(on("response.reasoning_summary_part.added").put("summary_index", 0).set("part", part()));
    }

    void append(String delta) {
      text.append(delta);
      emit(on("response.reasoning_summary_text.delta").put("summary_index", 0).put("delta", delta));
    }

    @Override
    ObjectNode item(String status) {
      ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
      ArrayNode summary = item.putArray("summary");
      if (!status.equals("in_progress")) {
        summary.add(part());
      }
      return item;
    }

    @Override
    void close(String status) {
      emit(on("response.reasoning_summary_text.done").put("summary_index", 0).put("text", text.toString()));
      emit(on("response.reasoning_summary_part.done").put("summary_index", 0).set("part", part()));
      done(status);
    }

    private ObjectNode part() {
      return Json.object().put("type", "summary_text").put("text", text.toString());
    }
  }

  private final class Message extends Item {
    private final List<Part> parts = new ArrayList<>(1);

    Message(int outputIndex) {
      super(outputIndex, "msg_");
      added();
    }

    void append(String delta, boolean refusal) {
      Part part = parts.isEmpty() ? null : parts.get(parts.size() - 1);
      if (part == null || part.refusal != refusal) {
        if (part != null) {
          closePart(part);
        }
        part = new Part(parts.size(), refusal);
        parts.add(part);
        emit(on("response.content_part.added").put("content_index", part.index).set("part", part.json()));
      }
      part.text.append(delta);
      ObjectNode e = on(refusal ? "response.refusal.delta" : "response.output_text.delta")
          .put("content_index", part.index).put("delta", delta);
      if (!refusal) {
        e.putArray("logprobs");
      }
      emit(e);
    }

    @Override
    ObjectNode item(String status) {
      ObjectNode item = Json.object().put("id", id).put("type", "message").put("status", status);
      ArrayNode content = item.putArray("content");
      if (!status.equals("in_progress")) {
        parts.forEach(p -> content.add(p.json()));
      }
      return item.put("role", "assistant");
    }

    @Override
    void close(String status) {
      if (!parts.isEmpty()) {
        closePart(parts.get(parts.size() - 1));
      }
      done(status);
    }

    private void closePart(Part part) {
      String value = part.text.toString();
      ObjectNode e = on(part.refusal ? "response.refusal.done" : "response.output_text.done")
          .put("content_index", part.index);
      if (part.refusal) {
        e.put("refusal", value);
      } else {
        e.put("text", value).putArray("logprobs");
      }
      emit(e);
      emit(on("response.content_part.done").put("content_index", part.index).set("part", part.json()));
    }
  }

  /** One content part of a message: text or refusal. */
  private record Part(int index, boolean refusal, StringBuilder text) {
    Part(int index, boolean refusal) {
      this(index, refusal, new StringBuilder());
    }

    ObjectNode json() {
      if (refusal) {
        return Json.object().put("type", "refusal").put("refusal", text.toString());
      }
      ObjectNode p = Json.object().put("type", "output_text");
      p.putArray("annotations");
      p.putArray("logprobs");
      return p.put("text", text.toString());
    }
  }

  private final class FunctionCall extends Item {
    final int chatIndex;
    private final StringBuilder arguments = new StringBuilder();
    private String callId;
    private String name;
    private boolean started;
    private boolean closed;

    FunctionCall(int outputIndex, int chatIndex) {
      super(outputIndex, "fc_");
      this.chatIndex = chatIndex;
    }

    void update(String callId, String name) {
      if (this.callId == null) {
        this.callId = callId;
      }
      if (this.name == null) {
        this.name = name;
      }
      if (!started && this.name != null && !closed) {
        start();
      }
    }

    void append(String fragment) {
      arguments.append(fragment);
      if (closed) {
        ((ObjectNode) output.get(outputIndex)).put("arguments", arguments.toString());
      } else if (started) {
        emit(on("response.function_call_arguments.delta").put("delta", fragment));
      }
    }

    private void start() {
      started = true;
      added();
      if (!arguments.isEmpty()) {
        emit(on("response.function_call_arguments.delta").put("delta", arguments.toString()));
      }
    }

    @Override
    ObjectNode item(String status) {
      return Json.object().put("id", id).put("type", "function_call").put("status", status)
          .put("arguments", status.equals("in_progress") ? "" : arguments.toString())
          .put("call_id", callId == null ? "call_" + seed + "_" + chatIndex : callId)
          .put("name", name == null ? "" : name);
    }

    @Override
    void close(String status) {
      if (!started) {
        start();
      }
      closed = true;
      emit(on("response.function_call_arguments.done").put("arguments", arguments.toString()));
      done(status);
    }
  }
}
