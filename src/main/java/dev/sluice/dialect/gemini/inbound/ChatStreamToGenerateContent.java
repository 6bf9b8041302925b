package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.json.JsonFields.present;
import static dev.sluice.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translates one Chat Completions chunk stream into Gemini's stream of {@code GenerateContentResponse}s,
 * each holding only the new parts (framed by the caller: an SSE {@code data:} event each with
 * {@code alt=sse}, else the elements of one JSON array). One instance per stream, not thread-safe.
 *
 * <ul>
 *   <li>Every response has {@code candidates[0] {content: {parts, role: "model"}, index: 0}},
 *       {@code modelVersion} (the client's model) and {@code responseId}. Only choice 0 is read.</li>
 *   <li>A chunk with text ({@code delta.content}, {@code delta.refusal}) gives one response with that
 *       text part; reasoning ({@code delta.reasoning_content}, else {@code delta.reasoning}) gives a
 *       {@code {text, thought: true}} part when the client asked for thoughts, else nothing.</li>
 *   <li>{@code delta.tool_calls} fragments are collected by {@code index} (name and id may come late)
 *       and each call is sent whole, as Gemini does, as a {@code functionCall {id, name, args}} part:
 *       when a later index starts and its arguments so far make a JSON object, else when the choice
 *       finishes or the stream ends (late fragments of a call already sent are ignored). A call
 *       without an id gets {@code call_<responseId>_<index>}.</li>
 *   <li>{@code finish_reason} (mapped by {@link GeminiParts#finishReason}) and {@code usageMetadata}
 *       come on the last response. The finish is held until the upstream's usage arrived (the
 *       {@code choices: []} usage chunk, or a chunk with both) or the stream ended; without usage
 *       from the upstream, {@code usageMetadata} carries the prompt estimate. A stream that ends
 *       without a finish reason ends with {@code STOP}. The last response has content without parts
 *       when nothing new came with it.</li>
 * </ul>
 * After the last response or {@link #error(ApiError)} every call returns nothing.
 */
public final class ChatStreamToGenerateContent {
  private static final class ToolCall {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }

  private final String model;
  private final String responseId;
  private final long promptEstimate;
  private final boolean includeThoughts;
  private final Map<Integer, ToolCall> calls = new TreeMap<>();
  private final Set<Integer> sent = new HashSet<>();
  private String finishReason;
  private ObjectNode usage;
  private boolean ended;

  /**
   * @param model the model the client asked for, reported as {@code modelVersion}
   * @param responseId the {@code responseId} of every response
   * @param promptTokenEstimate {@code promptTokenCount} when the upstream reports no usage
   * @param includeThoughts whether reasoning is sent as thought parts
   *     ({@link GenerateContentToChat#includeThoughts})
   */
  public ChatStreamToGenerateContent(String model, String responseId, long promptTokenEstimate,
                                     boolean includeThoughts) {
    this.model = model;
    this.responseId = responseId;
    this.promptEstimate = Math.max(0, promptTokenEstimate);
    this.includeThoughts = includeThoughts;
  }

  /** The responses one upstream chunk produces (none, one, or two when calls complete before new text). */
  public List<ObjectNode> onChunk(JsonNode chunk) {
    List<ObjectNode> out = new ArrayList<>();
    if (ended) {
      return out;
    }
    JsonNode u = present(chunk, "usage");
    if (u != null && u.isObject()) {
      usage = GeminiParts.usageMetadata(u);
    }
    JsonNode choice = choice(chunk);
    JsonNode delta = choice.path("delta");
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (JsonNode call : delta.path("tool_calls")) {
      collect(call, parts);
    }
    String reasoning = text(delta, "reasoning_content");
    if (reasoning == null) {
      reasoning = text(delta, "reasoning");
    }
    if (reasoning != null && includeThoughts) {
      parts.add(GeminiParts.thought(reasoning));
    }
    for (String field : new String[] {"content", "refusal"}) {
      String text = text(delta, field);
      if (text != null) {
        parts.add(GeminiParts.text(text));
      }
    }
    String finish = text(choice, "finish_reason");
    if (finish != null && finishReason == null) {
      flushCalls(parts, Integer.MAX_VALUE);
      finishReason = GeminiParts.finishReason(finish);
    }
    if (finishReason != null && usage != null) {
      out.add(last(parts, usage));
    } else if (!parts.isEmpty()) {
      out.add(response(GeminiParts.candidate(parts, null, 0)));
    }
    return out;
  }

  /** The last response when the upstream's stream ended ({@code [DONE]} or its close). */
  public List<ObjectNode> onDone() {
    if (ended) {
      return List.of();
    }
    ArrayNode parts = Json.MAPPER.createArrayNode();
    flushCalls(parts, Integer.MAX_VALUE);
    if (finishReason == null) {
      finishReason = GeminiParts.finishReason(null);
    }
    return List.of(last(parts, usage != null ? usage
        : GeminiParts.usageMetadata(promptEstimate, 0, 0, 0, promptEstimate)));
  }

  /** The error for a failure mid-stream, in Gemini's error shape; the stream ends with it. */
  public List<ObjectNode> error(ApiError e) {
    if (ended) {
      return List.of();
    }
    ended = true;
    return List.of(GeminiErrorBody.of(e));
  }

  /** Choice 0 of a chunk (by its {@code index}; a choice without one counts as 0). */
  private static JsonNode choice(JsonNode chunk) {
    for (JsonNode c : chunk.path("choices")) {
      if (c.path("index").asInt(0) == 0) {
        return c;
      }
    }
    return Json.object();
  }

  private void collect(JsonNode fragment, ArrayNode parts) {
    int index = fragment.path("index").asInt(0);
    if (sent.contains(index)) {
      return;
    }
    if (!calls.containsKey(index)) {
      // a new call: the earlier ones are done when their arguments are whole
      flushCalls(parts, index);
    }
    ToolCall tc = calls.computeIfAbsent(index, k -> new ToolCall());
    String id = text(fragment, "id");
    if (id != null && tc.id == null) {
      tc.id = id;
    }
    JsonNode function = fragment.path("function");
    String name = text(function, "name");
    if (name != null && tc.name == null) {
      tc.name = name;
    }
    String arguments = text(function, "arguments");
    if (arguments != null) {
      tc.arguments.append(arguments);
    }
  }

  /**
   * Sends the collected calls below {@code below} as whole functionCall parts: all of them when
   * {@code below} is {@link Integer#MAX_VALUE}, else only those (in index order) whose arguments make
   * a JSON object, stopping at the first that does not.
   */
  private void flushCalls(ArrayNode parts, int below) {
    boolean all = below == Integer.MAX_VALUE;
    for (Iterator<Map.Entry<Integer, ToolCall>> it = calls.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, ToolCall> e = it.next();
      ToolCall tc = e.getValue();
      if (e.getKey() >= below) {
        break;
      }
      String arguments = tc.arguments.toString();
      if (!all && !GeminiParts.wholeObject(arguments)) {
        break;
      }
      String id = tc.id != null ? tc.id : "call_" + responseId + "_" + e.getKey();
      parts.add(GeminiParts.functionCall(id, tc.name, arguments));
      sent.add(e.getKey());
      it.remove();
    }
  }

  private ObjectNode last(ArrayNode parts, ObjectNode usageMetadata) {
    ended = true;
    ObjectNode r = response(GeminiParts.candidate(parts, finishReason, 0));
    r.set("usageMetadata", usageMetadata);
    return r;
  }

  private ObjectNode response(ObjectNode candidate) {
    ObjectNode r = Json.object();
    r.putArray("candidates").add(candidate);
    r.put("modelVersion", model);
    r.put("responseId", responseId);
    return r;
  }
}
