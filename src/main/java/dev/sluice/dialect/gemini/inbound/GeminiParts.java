package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.TokenUsage;
import dev.sluice.json.Json;

/**
 * The pieces of Gemini's {@code GenerateContentResponse} the answer translators build: parts,
 * candidates, {@code finishReason} and {@code usageMetadata}.
 */
final class GeminiParts {
  private GeminiParts() {
  }

  static ObjectNode text(String text) {
    return Json.object().put("text", text);
  }

  static ObjectNode thought(String text) {
    return Json.object().put("text", text).put("thought", true);
  }

  /**
   * A {@code functionCall} part; {@code args} is the parsed {@code arguments} when they are a JSON
   * object, else {@code {}} (Gemini's args are always an object).
   */
  static ObjectNode functionCall(String id, String name, String arguments) {
    ObjectNode call = Json.object();
    ObjectNode fc = call.putObject("functionCall");
    if (id != null && !id.isEmpty()) {
      fc.put("id", id);
    }
    fc.put("name", name == null ? "" : name);
    fc.set("args", args(arguments));
    return call;
  }

  /** {@code arguments} parsed when they are a JSON object, else an empty object. */
  static ObjectNode args(String arguments) {
    if (arguments != null && !arguments.isBlank()) {
      try {
        JsonNode parsed = Json.parse(arguments);
        if (parsed.isObject()) {
          return (ObjectNode) parsed;
        }
      } catch (JsonProcessingException e) {
        // an unparsable argument string becomes {}
      }
    }
    return Json.object();
  }

  /** Whether the argument fragments so far make a whole JSON object. */
  static boolean wholeObject(String arguments) {
    try {
      return Json.parse(arguments).isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * A chat {@code finish_reason} as Gemini's: {@code stop}, {@code tool_calls} and
   * {@code function_call} → {@code STOP} (Gemini says STOP for calls), {@code length} →
   * {@code MAX_TOKENS}, {@code content_filter} → {@code SAFETY}, none → {@code STOP}, any other →
   * {@code OTHER}.
   */
  static String finishReason(String chat) {
    if (chat == null) {
      return "STOP";
    }
    return switch (chat) {
      case "stop", "tool_calls", "function_call" -> "STOP";
      case "length" -> "MAX_TOKENS";
      case "content_filter" -> "SAFETY";
      default -> "OTHER";
    };
  }

  /**
   * A chat {@code usage} as {@code usageMetadata}: {@code promptTokenCount} = {@code prompt_tokens},
   * {@code candidatesTokenCount} = {@code completion_tokens} − reasoning tokens (Gemini's count
   * excludes thoughts), {@code thoughtsTokenCount} = reasoning tokens and
   * {@code cachedContentTokenCount} = cached prompt tokens (each only when not 0, as Gemini does),
   * {@code totalTokenCount} = {@code total_tokens}.
   */
  static ObjectNode usageMetadata(JsonNode chatUsage) {
    TokenUsage u = TokenUsage.fromChat(chatUsage);
    return usageMetadata(u.promptTokens(), u.completionTokens(), u.reasoningTokens(), u.cachedTokens(),
        u.totalTokens());
  }

  static ObjectNode usageMetadata(long prompt, long completion, long reasoning, long cached, long total) {
    ObjectNode m = Json.object();
    m.put("promptTokenCount", prompt);
    m.put("candidatesTokenCount", Math.max(0, completion - reasoning));
    if (reasoning > 0) {
      m.put("thoughtsTokenCount", reasoning);
    }
    if (cached > 0) {
      m.put("cachedContentTokenCount", cached);
    }
    m.put("totalTokenCount", total);
    return m;
  }

  /**
   * A candidate; {@code parts} null or empty leaves {@code content} as {@code {role: model}} without
   * parts (what Gemini sends for a finish-only chunk; clients skip it as content).
   */
  static ObjectNode candidate(ArrayNode parts, String finishReason, int index) {
    ObjectNode c = Json.object();
    ObjectNode content = c.putObject("content");
    if (parts != null && !parts.isEmpty()) {
      content.set("parts", parts);
    }
    content.put("role", "model");
    if (finishReason != null) {
      c.put("finishReason", finishReason);
    }
    c.put("index", index);
    return c;
  }
}
