package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.dialect.openai.chat.ChatRequestFields;
import dev.sluice.json.Json;
import dev.sluice.json.JsonFields;
import java.util.HashSet;
import java.util.Set;

/**
 * Translates a Chat Completions request into an Anthropic Messages request. Stateless and
 * thread-safe; the input is not modified (the result may share leaves with it).
 *
 * <ul>
 *   <li>{@code system}/{@code developer} messages (wherever they are) → top-level {@code system}: a
 *       string for one plain text, else text blocks (keeping {@code cache_control}).</li>
 *   <li>user content → blocks, see {@link UserBlocks}.</li>
 *   <li>assistant → {@code thinking} (only when its {@code reasoning_signature}, see
 *       {@link ReasoningSignature}, names {@link Settings#reasoningSignatureModel()}: a signature is
 *       never replayed to another model), {@code text}, then {@code tool_use {id, name, input}} with
 *       the {@code arguments} string parsed (empty → {@code {}}; not a JSON object → 400 naming
 *       {@code messages[i].tool_calls[j].function.arguments}).</li>
 *   <li>{@code tool} messages → {@code tool_result {tool_use_id, content}} blocks, all in ONE user turn
 *       right after the assistant turn (see {@link Turns}); an id no earlier tool call has → 400.</li>
 *   <li>consecutive turns of one role are merged; tools, {@code tool_choice},
 *       {@code parallel_tool_calls} and {@code response_format} per {@link ToolsMapping}.</li>
 *   <li>{@code max_completion_tokens}, else {@code max_tokens}, else {@link Settings#defaultMaxTokens()}
 *       → {@code max_tokens}; {@code stop} (string or list) → {@code stop_sequences}; {@code user} →
 *       {@code metadata.user_id}; {@code stream} kept.</li>
 *   <li>{@code reasoning_effort} low/medium/high → {@code thinking {type: enabled, budget_tokens}}
 *       of 1024/4096/16384 (minimal/none → no thinking); {@code max_tokens} at or below the budget is
 *       raised to budget + max_tokens. Thinking is left out when the tool choice forces a tool, and
 *       when the last assistant turn used tools without a (replayable) thinking block: the API refuses
 *       both.</li>
 *   <li>{@code temperature} (clamped to Anthropic's 0..1) and {@code top_p} only for
 *       {@code 2023-06-01} and without thinking; {@code 2026-10-21} refuses them.</li>
 * </ul>
 * Other chat fields (seed, penalties, logprobs, stream_options, ...) have no counterpart and are left
 * out; {@code n} other than 1 is a 400. Explicit JSON nulls count as absent.
 */
public final class ChatToMessagesRequest {
  public static final String VERSION_2023 = "2023-06-01";
  public static final String VERSION_2026 = "2026-10-21";

  /**
   * How to build the request for one upstream.
   *
   * @param model the upstream model name sent as {@code model}
   * @param defaultMaxTokens {@code max_tokens} when the client sets none (the API requires it)
   * @param apiVersion the {@code anthropic-version} the provider sends: {@value #VERSION_2023} or
   *     {@value #VERSION_2026} (which refuses {@code temperature}/{@code top_p}/{@code top_k})
   * @param reasoningSignatureModel the model whose thinking signatures may be replayed; null means
   *     {@code model}
   */
  public record Settings(String model, int defaultMaxTokens, String apiVersion, String reasoningSignatureModel) {
    public Settings {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model is required");
      }
      if (defaultMaxTokens < 1) {
        throw new IllegalArgumentException("defaultMaxTokens must be positive");
      }
      if (!VERSION_2023.equals(apiVersion) && !VERSION_2026.equals(apiVersion)) {
        throw new IllegalArgumentException("apiVersion must be " + VERSION_2023 + " or " + VERSION_2026);
      }
      if (reasoningSignatureModel == null || reasoningSignatureModel.isBlank()) {
        reasoningSignatureModel = model;
      }
    }

    public Settings(String model, int defaultMaxTokens, String apiVersion) {
      this(model, defaultMaxTokens, apiVersion, null);
    }

    boolean samplingAllowed() {
      return VERSION_2023.equals(apiVersion);
    }
  }

  /** The request body and what the reverse translators must know about it. */
  public record Translation(ObjectNode body, ReplyPlan reply) {
  }

  private ChatToMessagesRequest() {
  }

  /**
   * Translates one request.
   *
   * @throws GatewayException a 400 naming the offending field
   */
  public static ObjectNode translate(ObjectNode chat, Settings s) {
    return plan(chat, s).body();
  }

  /**
   * Translates one request, returning the {@link ReplyPlan} for {@link MessagesToChatCompletion} and
   * {@link MessagesToChatStream} with it.
   *
   * @throws GatewayException a 400 naming the offending field
   */
  public static Translation plan(ObjectNode chat, Settings s) {
    JsonNode n = JsonFields.present(chat, "n");
    if (n != null && (!n.isIntegralNumber() || n.asLong() != 1)) {
      throw BadRequest.at("n", "only n=1 is supported: this gateway returns a single choice");
    }
    JsonNode messages = chat.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw BadRequest.at("messages", "messages must be a non-empty array");
    }
    ArrayNode system = Json.MAPPER.createArrayNode();
    Turns turns = new Turns();
    Set<String> callIds = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String path = "messages[" + i + "]";
      if (!m.isObject()) {
        throw BadRequest.at(path, "each message must be an object");
      }
      String role = m.path("role").asText("");
      switch (role) {
        case "system", "developer" -> system.addAll(UserBlocks.of(m.get("content"), path + ".content", true));
        case "user" -> turns.add("user", UserBlocks.of(m.get("content"), path + ".content", false));
        case "assistant" -> turns.add("assistant", assistant(m, path, s, callIds));
        case "tool" -> turns.addToolResult(toolResult(m, path, callIds));
        default -> throw BadRequest.at(path + ".role", "unsupported role '" + role
            + "'; expected system, developer, user, assistant or tool");
      }
    }
    if (turns.messages().isEmpty()) {
      throw BadRequest.at("messages", "messages must contain a user or assistant message with content");
    }

    ObjectNode out = Json.object().put("model", s.model());
    long maxTokens = maxTokens(chat, s);
    if (!system.isEmpty()) {
      out.set("system", system.size() == 1 && !system.get(0).has("cache_control") ? system.get(0).get("text") : system);
    }
    out.set("messages", turns.messages());
    ToolsMapping.Result tools = ToolsMapping.of(chat);
    if (!tools.tools().isEmpty()) {
      out.set("tools", tools.tools());
    }
    if (tools.toolChoice() != null) {
      out.set("tool_choice", tools.toolChoice());
    }
    int budget = thinkingBudget(chat);
    boolean thinking = budget > 0 && !tools.forcesTool() && !toolUseWithoutThinking(turns.lastAssistantContent());
    if (thinking) {
      if (maxTokens <= budget) {
        maxTokens += budget;
      }
      out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }
    out.put("max_tokens", maxTokens);
    JsonNode stop = ChatRequestFields.stopSequences(JsonFields.present(chat, "stop"));
    if (stop != null) {
      out.set("stop_sequences", stop);
    }
    if (s.samplingAllowed() && !thinking) {
      JsonNode temperature = JsonFields.present(chat, "temperature");
      if (temperature != null && temperature.isNumber()) {
        out.put("temperature", Math.min(1.0, Math.max(0.0, temperature.asDouble())));
      }
      JsonFields.copy(chat, "top_p", out, "top_p");
    }
    String user = JsonFields.text(chat, "user");
    if (user != null) {
      out.putObject("metadata").put("user_id", user);
    }
    JsonFields.copy(chat, "stream", out, "stream");
    return new Translation(out, new ReplyPlan(tools.answerTool(), s.reasoningSignatureModel()));
  }

  private static ArrayNode assistant(JsonNode m, String path, Settings s, Set<String> callIds) {
    ArrayNode blocks = Json.MAPPER.createArrayNode();
    ReasoningSignature signature = ReasoningSignature.parse(JsonFields.text(m, "reasoning_signature"));
    JsonNode reasoning = JsonFields.present(m, "reasoning_content");
    if (signature != null && signature.model().equals(s.reasoningSignatureModel()) && reasoning != null
        && reasoning.isTextual()) {
      blocks.addObject().put("type", "thinking").put("thinking", reasoning.asText())
          .put("signature", signature.signature());
    }
    blocks.addAll(UserBlocks.of(refusalsAsText(JsonFields.present(m, "content")), path + ".content", true));
    String refusal = JsonFields.text(m, "refusal");
    if (refusal != null) {
      blocks.addObject().put("type", "text").put("text", refusal);
    }
    JsonNode calls = JsonFields.present(m, "tool_calls");
    if (calls == null) {
      return blocks;
    }
    if (!calls.isArray()) {
      throw BadRequest.at(path + ".tool_calls", "tool_calls must be an array");
    }
    for (int j = 0; j < calls.size(); j++) {
      JsonNode call = calls.get(j);
      String callPath = path + ".tool_calls[" + j + "]";
      if (!"function".equals(call.path("type").asText("function"))) {
        throw BadRequest.at(callPath + ".type", "only function tool calls are supported");
      }
      String id = JsonFields.text(call, "id");
      if (id == null) {
        throw BadRequest.at(callPath + ".id", "a tool call needs an id");
      }
      String name = JsonFields.text(call.path("function"), "name");
      if (name == null) {
        throw BadRequest.at(callPath + ".function.name", "a tool call needs function.name");
      }
      callIds.add(id);
      ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", id).put("name", name);
      use.set("input", ChatRequestFields.toolArguments(JsonFields.present(call.path("function"), "arguments"),
          callPath + ".function.arguments"));
    }
    return blocks;
  }

  /** Assistant content with {@code refusal} parts read as text parts. */
  private static JsonNode refusalsAsText(JsonNode content) {
    if (content == null || !content.isArray()) {
      return content;
    }
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (JsonNode part : content) {
      if ("refusal".equals(part.path("type").asText()) && part.path("refusal").isTextual()) {
        parts.addObject().put("type", "text").set("text", part.get("refusal"));
      } else {
        parts.add(part);
      }
    }
    return parts;
  }


  private static ObjectNode toolResult(JsonNode m, String path, Set<String> callIds) {
    String id = JsonFields.text(m, "tool_call_id");
    if (id == null) {
      throw BadRequest.at(path + ".tool_call_id", "a tool message needs tool_call_id");
    }
    if (!callIds.contains(id)) {
      throw BadRequest.at(path + ".tool_call_id", "no earlier assistant tool call has the id '" + id + "'");
    }
    ObjectNode result = Json.object().put("type", "tool_result").put("tool_use_id", id);
    JsonNode content = JsonFields.present(m, "content");
    if (content != null && content.isTextual()) {
      result.set("content", content);
    } else {
      ArrayNode blocks = UserBlocks.of(content, path + ".content", true);
      if (!blocks.isEmpty()) {
        result.set("content", blocks);
      }
    }
    return result;
  }

  private static long maxTokens(JsonNode chat, Settings s) {
    for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
      JsonNode v = JsonFields.present(chat, field);
      if (v != null) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
          throw BadRequest.at(field, field + " must be a positive integer");
        }
        return v.asLong();
      }
    }
    return s.defaultMaxTokens();
  }

  /** The thinking budget of {@code reasoning_effort}; 0 for none. */
  private static int thinkingBudget(JsonNode chat) {
    JsonNode effort = JsonFields.present(chat, "reasoning_effort");
    if (effort == null) {
      return 0;
    }
    return switch (effort.asText("")) {
      case "minimal", "none" -> 0;
      case "low" -> 1024;
      case "medium" -> 4096;
      case "high" -> 16384;
      default -> throw BadRequest.at("reasoning_effort", "reasoning_effort must be none, minimal, low, medium or high");
    };
  }

  private static boolean toolUseWithoutThinking(JsonNode lastAssistant) {
    boolean toolUse = false;
    for (JsonNode block : lastAssistant) {
      String type = block.path("type").asText();
      if (type.equals("thinking")) {
        return false;
      }
      toolUse |= type.equals("tool_use");
    }
    return toolUse;
  }
}
