package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.openai.responses.ResponsesErrors;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Translates one Responses API event stream into {@code chat.completion.chunk} payloads. One
 * instance per stream; not thread-safe.
 *
 * <p>Each call to {@link #onEvent} returns the SSE {@code data} payloads (without {@code "data: "})
 * to write, in order, possibly none. The relay writes {@link #DONE} itself once {@link #finished()}.
 * Rules (see docs/translation.md):
 * <ul>
 *   <li>id is {@code "chatcmpl-"} + the response id without its {@code resp_} prefix; created is the
 *       response's {@code created_at}; model is the response's {@code model} (the requested model
 *       when absent).</li>
 *   <li>the first chunk carries {@code role:"assistant"}; text, refusal and tool-call argument deltas
 *       follow; tool call {@code index} counts function calls in order of appearance.</li>
 *   <li>{@code response.completed}/{@code response.incomplete} give one chunk with {@code delta:{}}
 *       and the finish reason, then, with {@code includeUsage}, one {@code choices:[]} usage chunk.</li>
 *   <li>{@code response.failed} and {@code error} <b>throw</b> a {@link GatewayException} carrying the
 *       client-visible {@link ApiError} (also kept in {@link #failure()}); later events are ignored.
 *       The relay answers with an HTTP error if nothing was written yet, else with an SSE error
 *       payload and the end of the stream.</li>
 *   <li>{@code codex.rate_limits} produce no output; they go to the callback and
 *       {@link #lastRateLimits()}.</li>
 * </ul>
 * A high surrogate at the end of a delta is held back until its pair arrives, so no chunk ever
 * carries half a character.
 */
public final class ResponsesToChatStream {
  /** The payload of the stream's last SSE event, written by the relay after the finish. */
  public static final String DONE = "[DONE]";

  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private final String requestedModel;
  private final boolean includeUsage;
  private final Clock clock;
  private final Consumer<JsonNode> rateLimitSink;

  private String prefix;
  private String id;
  private boolean roleSent;
  private final List<Part> parts = new ArrayList<>(2);
  private final List<ToolCall> calls = new ArrayList<>(2);
  private int nextToolIndex;
  private boolean finished;
  private ApiError failure;
  private TokenUsage usage = TokenUsage.ZERO;
  private String finishReason;
  private JsonNode rateLimits;

  public ResponsesToChatStream(String requestedModel, boolean includeUsage) {
    this(requestedModel, includeUsage, Clock.systemUTC(), null);
  }

  /**
   * @param requestedModel model the client asked for; used when the response names none
   * @param includeUsage the client's {@code stream_options.include_usage}
   * @param clock source of {@code created} when the upstream sends no {@code created_at}
   * @param rateLimitSink receives each {@code codex.rate_limits} event; may be null
   */
  public ResponsesToChatStream(String requestedModel, boolean includeUsage, Clock clock,
                               Consumer<JsonNode> rateLimitSink) {
    this.requestedModel = requestedModel;
    this.includeUsage = includeUsage;
    this.clock = clock;
    this.rateLimitSink = rateLimitSink;
  }

  /**
   * Feeds one event (the parsed JSON {@code data}; the {@code type} field decides, not the SSE
   * {@code event:} line).
   *
   * @return chunk payloads to write, in order; empty for events without chat output
   * @throws GatewayException on {@code response.failed} or {@code error}
   */
  public List<String> onEvent(JsonNode event) {
    String type = event.path("type").asText("");
    if (type.equals("codex.rate_limits")) {
      rateLimits = event;
      if (rateLimitSink != null) {
        rateLimitSink.accept(event);
      }
      return List.of();
    }
    if (finished || failure != null) {
      return List.of();
    }
    return switch (type) {
      case "response.created", "response.in_progress" -> {
        if (prefix == null) {
          header(event.path("response"));
        }
        yield List.of();
      }
      case "response.output_text.delta" -> text(event, false);
      case "response.refusal.delta" -> text(event, true);
      case "response.output_text.done" -> textDone(event, event.path("text"), false);
      case "response.refusal.done" -> textDone(event, event.path("refusal"), true);
      case "response.output_item.added" -> itemAdded(event.path("item"), event.path("output_index").asInt(-1));
      case "response.function_call_arguments.delta" -> argsDelta(event);
      case "response.function_call_arguments.done" -> argsDone(event);
      case "response.output_item.done" -> itemDone(event.path("item"), event.path("output_index").asInt(-1));
      case "response.completed", "response.incomplete" -> finish(event.path("response"));
      case "response.failed", "error" -> {
        usage = TokenUsage.fromResponses(event.path("response").get("usage"));
        failure = ResponsesErrors.fromEvent(event);
        throw failure.exception();
      }
      default -> List.of();
    };
  }

  /** True once the finish chunk was produced; the relay then writes {@link #DONE}. */
  public boolean finished() {
    return finished;
  }

  /** Token usage of the finished response; {@link TokenUsage#ZERO} before that. */
  public TokenUsage usage() {
    return usage;
  }

  /** The finish reason sent, or null before the finish. */
  public String finishReason() {
    return finishReason;
  }

  /** The error the stream failed with, if it did. */
  public Optional<ApiError> failure() {
    return Optional.ofNullable(failure);
  }

  /** The last {@code codex.rate_limits} event seen, whole. */
  public Optional<JsonNode> lastRateLimits() {
    return Optional.ofNullable(rateLimits);
  }

  /** The chunk id ({@code chatcmpl-...}); fixed at the first event. */
  public String id() {
    if (prefix == null) {
      header(null);
    }
    return id;
  }

  private void header(JsonNode response) {
    String respId = response == null ? null : response.path("id").asText(null);
    id = chatId(respId);
    JsonNode createdAt = response == null ? null : response.get("created_at");
    long created = createdAt != null && createdAt.canConvertToLong() ? createdAt.asLong()
        : clock.instant().getEpochSecond();
    String model = response == null ? null : response.path("model").asText(null);
    if (model == null || model.isEmpty()) {
      model = requestedModel;
    }
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"id\":");
    quote(id, sb);
    sb.append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created).append(",\"model\":");
    quote(model == null ? "" : model, sb);
    sb.append(",\"choices\":[");
    prefix = sb.toString();
  }

  static String chatId(String respId) {
    if (respId == null || respId.isEmpty()) {
      return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }
    return "chatcmpl-" + (respId.startsWith("resp_") ? respId.substring(5) : respId);
  }

  private List<String> text(JsonNode event, boolean refusal) {
    Part p = part(event.path("item_id").asText(""), event.path("content_index").asInt(0), refusal);
    String out = p.take(event.path("delta").asText(""));
    return out == null ? List.of() : List.of(textChunk(out, refusal));
  }

  private List<String> textDone(JsonNode event, JsonNode full, boolean refusal) {
    Part p = part(event.path("item_id").asText(""), event.path("content_index").asInt(0), refusal);
    String rest = p.drain(full.isTextual() ? full.asText() : null);
    return rest == null ? List.of() : List.of(textChunk(rest, refusal));
  }

  private String textChunk(String text, boolean refusal) {
    StringBuilder sb = open(text.length() + 32);
    sb.append(refusal ? "\"refusal\":" : "\"content\":");
    quote(text, sb);
    return close(sb, null);
  }

  private List<String> itemAdded(JsonNode item, int outputIndex) {
    if (!"function_call".equals(item.path("type").asText())) {
      return List.of();
    }
    ToolCall c = callFor(item.path("id").asText(null), outputIndex);
    if (c.started) {
      return List.of();
    }
    JsonNode args = item.path("arguments");
    if (args.isTextual() && c.received == 0) {
      c.delta(args.asText());
    }
    return List.of(c.start(item.path("call_id").asText(null), item.path("name").asText(null)));
  }

  private List<String> argsDelta(JsonNode event) {
    ToolCall c = callFor(event.path("item_id").asText(null), event.path("output_index").asInt(-1));
    String out = c.delta(event.path("delta").asText(""));
    return out == null ? List.of() : List.of(out);
  }

  private List<String> argsDone(JsonNode event) {
    ToolCall c = callFor(event.path("item_id").asText(null), event.path("output_index").asInt(-1));
    String out = c.complete(event.path("arguments"));
    return out == null ? List.of() : List.of(out);
  }

  private List<String> itemDone(JsonNode item, int outputIndex) {
    if (!"function_call".equals(item.path("type").asText())) {
      return List.of();
    }
    return startAndComplete(callFor(item.path("id").asText(null), outputIndex), item, new ArrayList<>(2));
  }

  private List<String> startAndComplete(ToolCall c, JsonNode item, List<String> out) {
    String tail = c.complete(item.path("arguments"));
    if (!c.started) {
      out.add(c.start(item.path("call_id").asText(null), item.path("name").asText(null)));
      tail = c.complete(null);
    }
    if (tail != null) {
      out.add(tail);
    }
    return out;
  }

  private List<String> finish(JsonNode response) {
    if (prefix == null) {
      header(response);
    }
    List<String> out = new ArrayList<>(3);
    for (JsonNode item : response.path("output")) {
      if ("function_call".equals(item.path("type").asText())) {
        ToolCall c = findCall(item.path("id").asText(null), -1);
        if (c == null || !c.started) {
          startAndComplete(c == null ? callFor(item.path("id").asText(null), -1) : c, item, out);
        }
      }
    }
    for (ToolCall c : calls) {
      if (!c.started) {
        out.add(c.start(null, null));
      }
      String tail = c.complete(null);
      if (tail != null) {
        out.add(tail);
      }
    }
    for (Part p : parts) {
      String tail = p.drain(null);
      if (tail != null) {
        out.add(textChunk(tail, p.refusal));
      }
    }
    usage = TokenUsage.fromResponses(response.get("usage"));
    if ("incomplete".equals(response.path("status").asText())
        || response.path("incomplete_details").isObject()) {
      String reason = response.path("incomplete_details").path("reason").asText("");
      finishReason = reason.equals("content_filter") ? "content_filter" : "length";
    } else {
      finishReason = calls.isEmpty() ? "stop" : "tool_calls";
    }
    StringBuilder sb = open(64);
    if (sb.charAt(sb.length() - 1) == ',') {
      sb.setLength(sb.length() - 1);
    }
    out.add(close(sb, finishReason));
    if (includeUsage) {
      StringBuilder u = new StringBuilder(prefix.length() + 200).append(prefix).append("],\"usage\":");
      u.append(Json.write(usage.toChat())).append('}');
      out.add(u.toString());
    }
    finished = true;
    return out;
  }

  /** Starts a chunk: prefix, choice 0, delta object opened; adds the role on the first chunk. */
  private StringBuilder open(int extra) {
    if (prefix == null) {
      header(null);
    }
    StringBuilder sb = new StringBuilder(prefix.length() + extra + 80);
    sb.append(prefix).append("{\"index\":0,\"delta\":{");
    if (!roleSent) {
      roleSent = true;
      sb.append("\"role\":\"assistant\",");
    }
    return sb;
  }

  private static String close(StringBuilder sb, String finishReason) {
    sb.append("},\"logprobs\":null,\"finish_reason\":");
    if (finishReason == null) {
      sb.append("null");
    } else {
      sb.append('"').append(finishReason).append('"');
    }
    return sb.append("}]}").toString();
  }

  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    ENCODER.quoteAsString(s, sb);
    sb.append('"');
  }

  private Part part(String itemId, int contentIndex, boolean refusal) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      Part p = parts.get(i);
      if (p.contentIndex == contentIndex && p.refusal == refusal && p.itemId.equals(itemId)) {
        return p;
      }
    }
    Part p = new Part(itemId, contentIndex, refusal);
    parts.add(p);
    return p;
  }

  private ToolCall findCall(String itemId, int outputIndex) {
    for (ToolCall c : calls) {
      if (itemId != null ? itemId.equals(c.itemId) : outputIndex >= 0 && c.outputIndex == outputIndex) {
        return c;
      }
    }
    return null;
  }

  private ToolCall callFor(String itemId, int outputIndex) {
    ToolCall c = findCall(itemId, outputIndex);
    if (c == null) {
      c = new ToolCall(itemId, outputIndex);
      calls.add(c);
    }
    return c;
  }

  /** Characters received so far and a held high surrogate, for one streamed string. */
  private static class Pending {
    int received;
    char held;

    /** Text to send for a delta (never ending in half a pair), or null if nothing yet. */
    final String take(String delta) {
      received += delta.length();
      String s = held != 0 ? held + delta : delta;
      held = 0;
      if (!s.isEmpty() && Character.isHighSurrogate(s.charAt(s.length() - 1))) {
        held = s.charAt(s.length() - 1);
        s = s.substring(0, s.length() - 1);
      }
      return s.isEmpty() ? null : s;
    }

    /**
     * At the end of the string: what {@code full} (null if unknown) has beyond the received
     * deltas, with a held surrogate before it; a surrogate left unpaired becomes U+FFFD.
     */
    final String drain(String full) {
      String more = "";
      if (full != null && full.length() > received) {
        more = full.substring(received);
        received = full.length();
      }
      String s = held != 0 ? held + more : more;
      held = 0;
      if (!s.isEmpty() && Character.isHighSurrogate(s.charAt(s.length() - 1))) {
        s = s.substring(0, s.length() - 1) + '\uFFFD';
      }
      return s.isEmpty() ? null : s;
    }
  }

  /** One text or refusal part of a message item. */
  private static final class Part extends Pending {
    final String itemId;
    final int contentIndex;
    final boolean refusal;

    Part(String itemId, int contentIndex, boolean refusal) {
      this.itemId = itemId;
      this.contentIndex = contentIndex;
      this.refusal = refusal;
    }
  }

  /** One function call: its chat index, whether its header went out, arguments before that. */
  private final class ToolCall extends Pending {
    final String itemId;
    final int outputIndex;
    int index = -1;
    boolean started;
    StringBuilder buffer;

    ToolCall(String itemId, int outputIndex) {
      this.itemId = itemId;
      this.outputIndex = outputIndex;
    }

    /** The header chunk: call id, name and the arguments buffered so far. */
    String start(String callId, String name) {
      started = true;
      index = nextToolIndex++;
      String args = "";
      if (buffer != null) {
        int r = received;
        received = 0;
        String s = take(buffer.toString());
        received = r;
        args = s == null ? "" : s;
        buffer = null;
      }
      StringBuilder sb = open(args.length() + 96);
      sb.append("\"tool_calls\":[{\"index\":").append(index).append(",\"id\":");
      quote(callId == null ? (itemId == null ? "" : itemId) : callId, sb);
      sb.append(",\"type\":\"function\",\"function\":{\"name\":");
      quote(name == null ? "" : name, sb);
      sb.append(",\"arguments\":");
      quote(args, sb);
      sb.append("}}]");
      return close(sb, null);
    }

    /** An argument chunk for a fragment, or null; buffered while the header is not out. */
    String delta(String fragment) {
      if (!started) {
        if (buffer == null) {
          buffer = new StringBuilder(fragment.length() + 16);
        }
        buffer.append(fragment);
        received += fragment.length();
        return null;
      }
      String s = take(fragment);
      return s == null ? null : argsChunk(s);
    }

    /** The chunk completing the arguments from their final value (a textual node, else unknown). */
    String complete(JsonNode arguments) {
      String full = arguments != null && arguments.isTextual() ? arguments.asText() : null;
      if (!started) {
        if (full != null && full.length() > received) {
          delta(full.substring(received));
        }
        return null;
      }
      String s = drain(full);
      return s == null ? null : argsChunk(s);
    }

    String argsChunk(String fragment) {
      StringBuilder sb = open(fragment.length() + 64);
      sb.append("\"tool_calls\":[{\"index\":").append(index).append(",\"function\":{\"arguments\":");
      quote(fragment, sb);
      sb.append("}}]");
      return close(sb, null);
    }
  }
}
