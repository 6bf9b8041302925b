package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.TokenUsage;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Translates one Gemini stream ({@code :streamGenerateContent?alt=sse}: each event a whole
 * {@code GenerateContentResponse} holding only the new parts) into {@code chat.completion.chunk}
 * objects. One instance per stream; not thread-safe.
 *
 * <ul>
 *   <li>The first event of a candidate gives its role chunk ({@code role: assistant, content: ""});
 *       the chunk id is {@code "chatcmpl-"} + {@code responseId}, {@code model} the client's, the
 *       choice {@code index} the candidate's.</li>
 *   <li>text parts → {@code content}; {@code thought: true} parts → {@code reasoning_content};
 *       a {@code functionCall} part (Gemini sends each whole) → one {@code tool_calls} chunk with the
 *       call's index (0, 1, … per candidate), its id ({@link ToolCallIds}, carrying Gemini's id and
 *       the part's {@code thoughtSignature}), name and the whole {@code arguments}.</li>
 *   <li>a candidate's {@code finishReason} → a {@code delta: {}} chunk with the finish reason
 *       ({@link FinishReasons}; {@code tool_calls} when it made calls); a prompt blocked without any
 *       candidate ({@code promptFeedback.blockReason}) → choice 0 finished with {@code content_filter}.
 *       {@code usageMetadata} is cumulative: the last one counts ({@link GeminiUsage}).</li>
 *   <li>At the end: with {@code includeUsage}, a {@code choices: []} chunk with the usage. A stream
 *       that ends before any candidate finished is a 502 ({@link FailureKind#BROKE_BEFORE_OUTPUT} when
 *       nothing was produced yet).</li>
 *   <li>an {@code {"error":{...}}} event → <b>throws</b> ({@link GeminiErrors#fromStreamEvent}).</li>
 * </ul>
 */
public final class GenerateContentToChatStream {
  /** What is known of one candidate. */
  private static final class Candidate {
    int calls;
    String finishReason;
  }

  private final String clientModel;
  private final boolean includeUsage;
  private final Clock clock;
  private final Supplier<String> nonces;
  private final Map<Integer, Candidate> candidates = new TreeMap<>();
  private String id;
  private long created;
  private boolean emitted;
  private boolean ended;
  private JsonNode usageMetadata;
  private GatewayException failure;

  /**
   * @param clientModel the model the client asked for, named in every chunk
   * @param includeUsage the client's {@code stream_options.include_usage}
   * @param nonces nonces of the tool call ids ({@link ToolCallIds#randomNonces()})
   */
  public GenerateContentToChatStream(String clientModel, boolean includeUsage, Clock clock, Supplier<String> nonces) {
    this.clientModel = clientModel;
    this.includeUsage = includeUsage;
    this.clock = clock;
    this.nonces = nonces;
  }

  /**
   * Feeds one event's data.
   *
   * @return chunks to write, in order; possibly none
   * @throws GatewayException on an error event
   */
  public List<ObjectNode> onEvent(JsonNode data) {
    if (failure != null || ended) {
      return List.of();
    }
    if (data.has("error")) {
      failure = GeminiErrors.fromStreamEvent(data);
      throw failure;
    }
    if (id == null) {
      id = GenerateContentToChatCompletion.chatId(data.path("responseId").asText(null));
      created = clock.instant().getEpochSecond();
    }
    if (data.path("usageMetadata").isObject()) {
      usageMetadata = data.get("usageMetadata");
    }
    List<ObjectNode> out = new ArrayList<>();
    JsonNode cands = data.path("candidates");
    for (int i = 0; i < cands.size(); i++) {
      JsonNode c = cands.get(i);
      candidate(c.path("index").asInt(i), c, out);
    }
    if (cands.isEmpty() && data.path("promptFeedback").has("blockReason") && candidates.isEmpty()) {
      Candidate blocked = start(0, out);
      blocked.finishReason = "content_filter";
      out.add(chunk(0, Json.object(), blocked.finishReason));
    }
    return out;
  }

  /**
   * The upstream stream ended.
   *
   * @return the usage chunk when asked for
   * @throws GatewayException a 502 when no candidate finished
   */
  public List<ObjectNode> onEnd() {
    if (failure != null || ended) {
      return List.of();
    }
    if (!finished()) {
      failure = ApiError.upstreamError("upstream stream ended before the answer finished")
          .failure(emitted ? FailureKind.SERVER_ERROR : FailureKind.BROKE_BEFORE_OUTPUT);
      throw failure;
    }
    ended = true;
    if (!includeUsage) {
      return List.of();
    }
    ObjectNode u = envelope();
    u.putArray("choices");
    u.set("usage", usage().toChat());
    return List.of(u);
  }

  /** True once every candidate seen has finished (and there was one). */
  public boolean finished() {
    return !candidates.isEmpty() && candidates.values().stream().allMatch(c -> c.finishReason != null);
  }

  /** The finish reason of the first choice, or null before it finished. */
  public String finishReason() {
    return candidates.isEmpty() ? null : candidates.values().iterator().next().finishReason;
  }

  /** Token usage so far (final at the end). */
  public TokenUsage usage() {
    return GeminiUsage.from(usageMetadata);
  }

  private void candidate(int index, JsonNode c, List<ObjectNode> out) {
    Candidate cand = candidates.containsKey(index) ? candidates.get(index) : start(index, out);
    if (cand.finishReason != null) {
      return;
    }
    for (JsonNode part : c.path("content").path("parts")) {
      if (part.has("functionCall")) {
        ObjectNode call = GenerateContentToChatCompletion.toolCall(part, nonces);
        call.put("index", cand.calls++);
        ObjectNode delta = Json.object();
        ObjectNode ordered = delta.putArray("tool_calls").addObject().put("index", call.get("index").asInt());
        ordered.setAll(call);
        out.add(chunk(index, delta, null));
      } else if (part.path("text").isTextual() && !part.get("text").asText().isEmpty()) {
        String field = part.path("thought").asBoolean(false) ? "reasoning_content" : "content";
        out.add(chunk(index, Json.object().put(field, part.get("text").asText()), null));
      }
    }
    String reason = c.path("finishReason").asText(null);
    if (reason != null && !reason.isEmpty()) {
      cand.finishReason = FinishReasons.toFinishReason(reason, cand.calls > 0);
      out.add(chunk(index, Json.object(), cand.finishReason));
    }
  }

  private Candidate start(int index, List<ObjectNode> out) {
    Candidate cand = new Candidate();
    candidates.put(index, cand);
    out.add(chunk(index, Json.object().put("role", "assistant").put("content", ""), null));
    return cand;
  }

  private ObjectNode chunk(int index, ObjectNode delta, String finishReason) {
    ObjectNode c = envelope();
    ObjectNode choice = c.putArray("choices").addObject().put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    emitted = true;
    return c;
  }

  private ObjectNode envelope() {
    if (id == null) {
      id = GenerateContentToChatCompletion.chatId(null);
      created = clock.instant().getEpochSecond();
    }
    return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", clientModel);
  }
}
