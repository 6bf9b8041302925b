package dev.sluice.dialect.anthropic.inbound;

import static dev.sluice.json.JsonFields.present;
import static dev.sluice.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates one Chat Completions chunk stream into the Anthropic Messages event stream, as Claude
 * Code and the Anthropic SDKs read it. One instance per stream, not thread-safe; the caller frames
 * each {@link Event} as {@code event: <type>\ndata: <json>}.
 *
 * <p>Events:
 * <ul>
 *   <li>{@code message_start} first (on the first chunk): the full message with empty content, null
 *       stop reason and sequence, and usage with all four fields ({@code input_tokens} = the prompt
 *       estimate given to the constructor, the others 0).</li>
 *   <li>Per block {@code content_block_start} / {@code content_block_delta}* /
 *       {@code content_block_stop}, one block open at a time, indexes counting blocks from 0:
 *       {@code delta.reasoning_content} (else {@code delta.reasoning}) → a {@code thinking} block with
 *       {@code thinking_delta}s; the gateway extension {@code delta.reasoning_signature} → a
 *       {@code signature_delta} in the open thinking block (opening one if none is open; a signed
 *       block takes no more deltas, later reasoning opens a new one). A thinking block closed without
 *       a signature keeps the empty signature of its start: replaying it to Anthropic would fail, to
 *       chat upstreams it does not matter. {@code delta.content} (and {@code delta.refusal}) → a
 *       {@code text} block with {@code text_delta}s. A switch of kind closes the open block.</li>
 *   <li>{@code delta.tool_calls} are collected by their {@code index} (fragments may interleave
 *       between calls; the name and id may come late) and emitted when the choice finishes or the
 *       stream ends, after the thinking and text blocks: one {@code tool_use} block per call in index
 *       order, its argument fragments as {@code input_json_delta}s when they add up to a JSON object,
 *       else a single {@code "{}"} (Claude Code parses the input at block stop; an upstream that sent
 *       no arguments gets {@code {}} too). A missing id becomes {@code toolu_<seed>_<index>}.</li>
 *   <li>{@code finish_reason} closes the open block (content in the same chunk is emitted first) and is
 *       mapped by {@link StopReasons}; {@code message_delta {delta: {stop_reason, stop_sequence: null},
 *       usage}} is held until the upstream's usage is known (the {@code choices: []} usage chunk, or a
 *       chunk with both) or the stream ends, then {@code message_stop} follows. The delta's usage is
 *       {@link AnthropicUsage} of the upstream's usage, or the estimate when none came. A stream that
 *       ends without a finish reason ends with {@code end_turn}.</li>
 * </ul>
 * After {@code message_stop} or {@link #error(ApiError)} every call returns nothing.
 */
public final class ChatStreamToMessages {
  /** One Anthropic stream event: its {@code type} (also {@code data.type}) and its data. */
  public record Event(String type, ObjectNode data) {
  }

  private enum Kind { NONE, THINKING, TEXT }

  private static final class ToolCall {
    String id;
    String name;
    final List<String> fragments = new ArrayList<>();
  }

  private final String model;
  private final String idSeed;
  private final AnthropicUsage estimate;
  private final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
  private boolean started;
  private boolean ended;
  private Kind open = Kind.NONE;
  private boolean signed;
  private int nextIndex;
  private String stopReason;
  private AnthropicUsage usage;

  /**
   * @param clientModel the model the client asked for, echoed in {@code message_start}
   * @param idSeed makes the message id {@code msg_<idSeed>}
   * @param promptTokenEstimate the input tokens to report before the upstream's usage is known
   */
  public ChatStreamToMessages(String clientModel, String idSeed, long promptTokenEstimate) {
    this.model = clientModel;
    this.idSeed = idSeed;
    this.estimate = AnthropicUsage.estimate(promptTokenEstimate);
  }

  /** The events one upstream chunk produces. */
  public List<Event> onChunk(JsonNode chunk) {
    List<Event> events = new ArrayList<>();
    if (ended) {
      return events;
    }
    start(events);
    JsonNode u = present(chunk, "usage");
    if (u != null && u.isObject()) {
      usage = AnthropicUsage.fromChat(u);
    }
    JsonNode choice = chunk.path("choices").path(0);
    JsonNode delta = choice.path("delta");
    String reasoning = text(delta, "reasoning_content");
    if (reasoning == null) {
      reasoning = text(delta, "reasoning");
    }
    if (reasoning != null) {
      open(Kind.THINKING, signed, events);
      events.add(delta(Json.object().put("type", "thinking_delta").put("thinking", reasoning)));
    }
    String signature = text(delta, "reasoning_signature");
    if (signature != null) {
      open(Kind.THINKING, signed, events);
      events.add(delta(Json.object().put("type", "signature_delta").put("signature", signature)));
      signed = true;
    }
    for (String field : new String[] {"content", "refusal"}) {
      String text = text(delta, field);
      if (text != null) {
        open(Kind.TEXT, false, events);
        events.add(delta(Json.object().put("type", "text_delta").put("text", text)));
      }
    }
    for (JsonNode call : delta.path("tool_calls")) {
      collect(call);
    }
    String finish = text(choice, "finish_reason");
    if (finish != null && stopReason == null) {
      closeBlocks(events);
      stopReason = StopReasons.of(finish);
    }
    if (stopReason != null && usage != null) {
      end(events);
    }
    return events;
  }

  /** The events that end the stream when the upstream's stream ended ({@code [DONE]} or its close). */
  public List<Event> onDone() {
    List<Event> events = new ArrayList<>();
    if (ended) {
      return events;
    }
    start(events);
    closeBlocks(events);
    if (stopReason == null) {
      stopReason = StopReasons.of(null);
    }
    end(events);
    return events;
  }

  /** The {@code error} event for a failure mid-stream; the stream ends with it. */
  public List<Event> error(ApiError e) {
    if (ended) {
      return List.of();
    }
    ended = true;
    return List.of(new Event("error", AnthropicErrorBody.of(e)));
  }

  private void start(List<Event> events) {
    if (started) {
      return;
    }
    started = true;
    ObjectNode data = Json.object().put("type", "message_start");
    data.set("message", ContentBlocks.message("msg_" + idSeed, model, null, estimate));
    events.add(new Event("message_start", data));
  }

  /** Makes a block of the kind the open one, closing another kind (or any when {@code fresh}). */
  private void open(Kind kind, boolean fresh, List<Event> events) {
    if (open == kind && !fresh) {
      return;
    }
    close(events);
    open = kind;
    signed = false;
    events.add(blockStart(kind == Kind.THINKING ? ContentBlocks.thinking("", null) : ContentBlocks.text("")));
  }

  private void close(List<Event> events) {
    if (open == Kind.NONE) {
      return;
    }
    events.add(blockEvent("content_block_stop", nextIndex));
    nextIndex++;
    open = Kind.NONE;
  }

  private void collect(JsonNode call) {
    ToolCall tc = toolCalls.computeIfAbsent(call.path("index").asInt(0), k -> new ToolCall());
    String id = text(call, "id");
    if (id != null && tc.id == null) {
      tc.id = id;
    }
    JsonNode function = call.path("function");
    String name = text(function, "name");
    if (name != null && tc.name == null) {
      tc.name = name;
    }
    String arguments = text(function, "arguments");
    if (arguments != null) {
      tc.fragments.add(arguments);
    }
  }

  /** Closes the open block, then emits every collected tool call as a whole block. */
  private void closeBlocks(List<Event> events) {
    close(events);
    for (var entry : toolCalls.entrySet()) {
      ToolCall tc = entry.getValue();
      String id = tc.id != null ? tc.id : "toolu_" + idSeed + "_" + entry.getKey();
      events.add(blockStart(ContentBlocks.toolUse(id, tc.name == null ? "" : tc.name, Json.object())));
      List<String> fragments = ToolInput.object(String.join("", tc.fragments)).isPresent() ? tc.fragments
          : List.of("{}");
      for (String fragment : fragments) {
        events.add(delta(Json.object().put("type", "input_json_delta").put("partial_json", fragment)));
      }
      events.add(blockEvent("content_block_stop", nextIndex));
      nextIndex++;
    }
    toolCalls.clear();
  }

  private void end(List<Event> events) {
    ObjectNode data = Json.object().put("type", "message_delta");
    data.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
    data.set("usage", (usage != null ? usage : estimate).toJson());
    events.add(new Event("message_delta", data));
    events.add(new Event("message_stop", Json.object().put("type", "message_stop")));
    ended = true;
  }

  private Event blockStart(ObjectNode block) {
    Event e = blockEvent("content_block_start", nextIndex);
    e.data().set("content_block", block);
    return e;
  }

  private Event delta(ObjectNode delta) {
    Event e = blockEvent("content_block_delta", nextIndex);
    e.data().set("delta", delta);
    return e;
  }

  private static Event blockEvent(String type, int index) {
    return new Event(type, Json.object().put("type", type).put("index", index));
  }
}
