package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.dialect.openai.chat.ChatRequestFields;
import dev.sluice.json.Json;
import dev.sluice.json.JsonFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Translates a Chat Completions request into a Gemini {@code GenerateContentRequest} (the body of
 * {@code models/{model}:generateContent} and {@code :streamGenerateContent}; the model is in the path).
 * Stateless and thread-safe; the input is not modified (the result may share leaves with it).
 *
 * <ul>
 *   <li>{@code system}/{@code developer} messages (wherever they are) → {@code systemInstruction
 *       {parts: [{text}]}}; {@code user} → a {@code user} turn of parts ({@link Parts});
 *       {@code assistant} → a {@code model} turn: text (and refusals) then one {@code functionCall
 *       {name, args}} part per tool call, {@code arguments} parsed (empty → {@code {}}; not a JSON
 *       object → 400 naming it); {@code reasoning_content} is not sent back (Gemini keeps its thinking
 *       in signatures).</li>
 *   <li>Tool call ids made by {@link ToolCallIds} give back Gemini's own call {@code id} and the
 *       {@code thoughtSignature}, on the very part that carried it. For Gemini 3 models a model turn
 *       whose calls carry no signature at all (history from another upstream or written by the client)
 *       gets {@link ToolCallIds#SKIP_SIGNATURE} on its first call, which Gemini documents for such
 *       history.</li>
 *   <li>{@code tool} messages → {@code functionResponse {id?, name, response}} parts, the name taken
 *       from the call with that {@code tool_call_id} (an id no earlier call has → 400), the content
 *       wrapped as {@code {"output": text}} (Gemini wants an object; "output" is the key its docs
 *       name); consecutive results form one {@code user} turn, in the order of their calls (Gemini pairs
 *       results without ids by position), a user message right after them merged into it.
 *       Consecutive turns of one role are merged.</li>
 *   <li>{@code generationConfig}: {@code max_completion_tokens} else {@code max_tokens} →
 *       {@code maxOutputTokens}; {@code stop} → {@code stopSequences}; {@code temperature},
 *       {@code top_p} → {@code topP}, {@code seed}, {@code presence_penalty}, {@code frequency_penalty}
 *       → {@code presencePenalty}, {@code frequencyPenalty}; {@code n} → {@code candidateCount} (when
 *       above 1); {@code response_format} {@code json_object} → {@code responseMimeType:
 *       application/json}, {@code json_schema} → that plus {@code responseJsonSchema} (the schema as
 *       written: full JSON Schema); together with tools a 400 (Gemini refuses the pair).</li>
 *   <li>{@code reasoning_effort} → {@code thinkingConfig}: for {@code gemini-3*} models a
 *       {@code thinkingLevel} (Pro models know only {@code LOW} and {@code HIGH}: none/minimal/low →
 *       LOW, medium/high/xhigh → HIGH; others none/minimal → MINIMAL, low, medium, high/xhigh → HIGH);
 *       for older models a {@code thinkingBudget} (none 0, or 128 for {@code gemini-2.5-pro*}, which
 *       cannot turn thinking off and takes no less; minimal 512, low 1024, medium 8192, high/xhigh 24576). {@code includeThoughts: true} unless the effort is none, so the thoughts
 *       come back as {@code reasoning_content}.</li>
 *   <li>Tools and {@code tool_choice} per {@link ToolsMapping}. Dropped: {@code logprobs},
 *       {@code top_logprobs}, {@code parallel_tool_calls}, {@code user}, {@code metadata},
 *       {@code store}, {@code service_tier}, {@code stream_options}, {@code stream} (the endpoint says
 *       it) and unknown fields. Explicit JSON nulls count as absent.</li>
 * </ul>
 */
public final class ChatToGenerateContentRequest {
  /** The smallest {@code thinkingBudget} Gemini 2.5 Pro takes (its range is 128..32768; 0 is refused). */
  private static final int GEMINI_25_PRO_MIN_BUDGET = 128;

  private ChatToGenerateContentRequest() {
  }

  /** Whether the model is a Gemini 3 model (thinking levels, mandatory signatures). */
  public static boolean isGemini3(String model) {
    String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
    if (m.startsWith("models/")) {
      m = m.substring("models/".length());
    }
    return m.startsWith("gemini-3");
  }

  /**
   * Translates one request for {@code model} (the upstream model name, which decides the thinking
   * setting and signature rules).
   *
   * @throws GatewayException a 400 naming the offending field
   */
  public static ObjectNode translate(ObjectNode chat, String model) {
    JsonNode messages = chat.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw BadRequest.at("messages", "messages must be a non-empty array");
    }
    boolean gemini3 = isGemini3(model);
    ArrayNode system = Json.MAPPER.createArrayNode();
    ArrayNode contents = Json.MAPPER.createArrayNode();
    Map<String, Call> calls = new HashMap<>();
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String path = "messages[" + i + "]";
      if (!m.isObject()) {
        throw BadRequest.at(path, "each message must be an object");
      }
      String role = m.path("role").asText("");
      if (!role.equals("tool")) {
        flush(contents, results);
      }
      switch (role) {
        case "system", "developer" -> system.addAll(Parts.of(m.get("content"), path + ".content", true));
        case "user" -> add(contents, "user", Parts.of(m.get("content"), path + ".content", false));
        case "assistant" -> add(contents, "model", assistant(m, path, calls, gemini3));
        case "tool" -> results.add(toolResult(m, path, calls));
        default -> throw BadRequest.at(path + ".role", "unsupported role '" + role
            + "'; expected system, developer, user, assistant or tool");
      }
    }
    flush(contents, results);
    if (contents.isEmpty()) {
      throw BadRequest.at("messages", "messages must contain a user or assistant message with content");
    }
    ObjectNode out = Json.object();
    out.set("contents", contents);
    if (!system.isEmpty()) {
      out.putObject("systemInstruction").set("parts", system);
    }
    ToolsMapping.Result tools = ToolsMapping.of(chat);
    if (tools.tools() != null) {
      out.set("tools", tools.tools());
    }
    if (tools.toolConfig() != null && tools.tools() != null) {
      out.set("toolConfig", tools.toolConfig());
    }
    ObjectNode config = generationConfig(chat, model, tools.tools() != null);
    if (!config.isEmpty()) {
      out.set("generationConfig", config);
    }
    return out;
  }

  /** A call an assistant message made: its function, what its chat id carries, its place among all calls. */
  private record Call(String name, ToolCallIds.Decoded decoded, int order) {
  }

  /** A function response, and the place of its call. */
  private record Result(ObjectNode part, int order) {
  }

  /**
   * A run of tool messages as one user turn, in the order of their calls (Gemini pairs results without
   * ids by position).
   */
  private static void flush(ArrayNode contents, List<Result> results) {
    if (results.isEmpty()) {
      return;
    }
    ArrayNode parts = Json.MAPPER.createArrayNode();
    results.stream().sorted(Comparator.comparingInt(Result::order)).forEach(r -> parts.add(r.part()));
    results.clear();
    add(contents, "user", parts);
  }

  /** Appends parts as a turn of {@code role}, merged into the last turn when it has that role. */
  private static void add(ArrayNode contents, String role, ArrayNode parts) {
    if (parts.isEmpty()) {
      return;
    }
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    if (last != null && role.equals(last.path("role").asText())) {
      ((ArrayNode) last.get("parts")).addAll(parts);
      return;
    }
    contents.addObject().put("role", role).set("parts", parts);
  }

  private static ArrayNode assistant(JsonNode m, String path, Map<String, Call> calls, boolean gemini3) {
    ArrayNode parts = Parts.of(JsonFields.present(m, "content"), path + ".content", true);
    String refusal = JsonFields.text(m, "refusal");
    if (refusal != null) {
      parts.addObject().put("text", refusal);
    }
    JsonNode toolCalls = JsonFields.present(m, "tool_calls");
    if (toolCalls == null) {
      return parts;
    }
    if (!toolCalls.isArray()) {
      throw BadRequest.at(path + ".tool_calls", "tool_calls must be an array");
    }
    ObjectNode firstCall = null;
    boolean signed = false;
    for (int j = 0; j < toolCalls.size(); j++) {
      JsonNode call = toolCalls.get(j);
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
      ToolCallIds.Decoded decoded = ToolCallIds.decode(id);
      calls.put(id, new Call(name, decoded, calls.size()));
      ObjectNode part = parts.addObject();
      ObjectNode fc = part.putObject("functionCall");
      if (decoded.geminiId() != null) {
        fc.put("id", decoded.geminiId());
      }
      fc.put("name", name);
      fc.set("args", ChatRequestFields.toolArguments(JsonFields.present(call.path("function"), "arguments"),
          callPath + ".function.arguments"));
      if (decoded.signature() != null) {
        part.put("thoughtSignature", decoded.signature());
        signed = true;
      }
      if (firstCall == null) {
        firstCall = part;
      }
    }
    if (gemini3 && firstCall != null && !signed) {
      firstCall.put("thoughtSignature", ToolCallIds.SKIP_SIGNATURE);
    }
    return parts;
  }


  private static Result toolResult(JsonNode m, String path, Map<String, Call> calls) {
    String id = JsonFields.text(m, "tool_call_id");
    if (id == null) {
      throw BadRequest.at(path + ".tool_call_id", "a tool message needs tool_call_id");
    }
    Call call = calls.get(id);
    if (call == null) {
      throw BadRequest.at(path + ".tool_call_id", "no earlier assistant tool call has the id '" + id + "'");
    }
    ObjectNode fr = Json.object();
    if (call.decoded().geminiId() != null) {
      fr.put("id", call.decoded().geminiId());
    }
    fr.put("name", call.name());
    fr.putObject("response").put("output", Parts.text(JsonFields.present(m, "content"), path + ".content"));
    ObjectNode part = Json.object();
    part.set("functionResponse", fr);
    return new Result(part, call.order());
  }

  private static ObjectNode generationConfig(JsonNode chat, String model, boolean hasTools) {
    ObjectNode g = Json.object();
    for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
      JsonNode v = JsonFields.present(chat, field);
      if (v != null) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
          throw BadRequest.at(field, field + " must be a positive integer");
        }
        g.put("maxOutputTokens", v.asInt());
        break;
      }
    }
    JsonNode stop = ChatRequestFields.stopSequences(JsonFields.present(chat, "stop"));
    if (stop != null) {
      g.set("stopSequences", stop);
    }
    number(chat, "temperature", g, "temperature");
    number(chat, "top_p", g, "topP");
    number(chat, "presence_penalty", g, "presencePenalty");
    number(chat, "frequency_penalty", g, "frequencyPenalty");
    JsonNode seed = JsonFields.present(chat, "seed");
    if (seed != null) {
      if (!seed.isIntegralNumber() || !seed.canConvertToInt()) {
        throw BadRequest.at("seed", "seed must be an integer (Gemini takes 32-bit seeds)");
      }
      g.put("seed", seed.asInt());
    }
    JsonNode n = JsonFields.present(chat, "n");
    if (n != null) {
      if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > 8) {
        throw BadRequest.at("n", "n must be an integer from 1 to 8");
      }
      if (n.asInt() > 1) {
        g.put("candidateCount", n.asInt());
      }
    }
    JsonNode format = JsonFields.present(chat, "response_format");
    if (format != null) {
      String type = format.path("type").asText("");
      switch (type) {
        case "text" -> {
        }
        case "json_object", "json_schema" -> {
          if (hasTools) {
            throw BadRequest.at("response_format", "a Gemini upstream cannot combine tools with a JSON "
                + "response_format; send one or the other");
          }
          g.put("responseMimeType", "application/json");
          JsonNode schema = JsonFields.present(format.path("json_schema"), "schema");
          if (type.equals("json_schema")) {
            if (schema == null || !schema.isObject()) {
              throw BadRequest.at("response_format.json_schema.schema", "json_schema needs a schema object");
            }
            g.set("responseJsonSchema", schema);
          }
        }
        default -> throw BadRequest.at("response_format.type", "unsupported response_format type '" + type
            + "'; expected text, json_object or json_schema");
      }
    }
    ObjectNode thinking = thinkingConfig(JsonFields.present(chat, "reasoning_effort"), model);
    if (thinking != null) {
      g.set("thinkingConfig", thinking);
    }
    return g;
  }

  private static ObjectNode thinkingConfig(JsonNode effortNode, String model) {
    if (effortNode == null) {
      return null;
    }
    String effort = effortNode.asText("");
    if (!effort.matches("none|minimal|low|medium|high|xhigh")) {
      throw BadRequest.at("reasoning_effort", "reasoning_effort must be none, minimal, low, medium, high or xhigh");
    }
    ObjectNode t = Json.object();
    if (isGemini3(model)) {
      boolean pro = model.toLowerCase(Locale.ROOT).contains("pro");
      t.put("thinkingLevel", pro
          ? (effort.matches("none|minimal|low") ? "LOW" : "HIGH")
          : switch (effort) {
            case "none", "minimal" -> "MINIMAL";
            case "low" -> "LOW";
            case "medium" -> "MEDIUM";
            default -> "HIGH";
          });
    } else {
      t.put("thinkingBudget", switch (effort) {
        // 2.5 Pro cannot think less than 128 tokens (0 is a 400); Flash and Flash-Lite turn thinking off with 0
        case "none" -> isGemini25Pro(model) ? GEMINI_25_PRO_MIN_BUDGET : 0;
        case "minimal" -> 512;
        case "low" -> 1024;
        case "medium" -> 8192;
        default -> 24576;
      });
    }
    if (!effort.equals("none")) {
      t.put("includeThoughts", true);
    }
    return t;
  }

  private static boolean isGemini25Pro(String model) {
    String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
    return (m.startsWith("models/") ? m.substring("models/".length()) : m).startsWith("gemini-2.5-pro");
  }

  private static void number(JsonNode chat, String field, ObjectNode to, String as) {
    JsonNode v = JsonFields.present(chat, field);
    if (v == null) {
      return;
    }
    if (!v.isNumber()) {
      throw BadRequest.at(field, field + " must be a number");
    }
    to.set(as, v);
  }
}
