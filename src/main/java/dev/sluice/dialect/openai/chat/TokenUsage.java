package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/**
 * Token counts of one response, for billing and for the chat {@code usage} object. 0 when unknown.
 * {@code cachedTokens} is part of {@code promptTokens}; {@code reasoningTokens} part of
 * {@code completionTokens}.
 */
public record TokenUsage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                         long reasoningTokens) {
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

  /**
   * Reads a Responses {@code usage} object ({@code input_tokens}, {@code output_tokens},
   * {@code total_tokens}, {@code input_tokens_details.cached_tokens},
   * {@code output_tokens_details.reasoning_tokens}); null or missing gives {@link #ZERO}. A missing
   * {@code total_tokens} is computed.
   */
  public static TokenUsage fromResponses(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    long in = usage.path("input_tokens").asLong(0);
    long out = usage.path("output_tokens").asLong(0);
    JsonNode total = usage.get("total_tokens");
    return new TokenUsage(in, out, total != null && total.canConvertToLong() ? total.asLong() : in + out,
        usage.path("input_tokens_details").path("cached_tokens").asLong(0),
        usage.path("output_tokens_details").path("reasoning_tokens").asLong(0));
  }

  /**
   * Reads a chat {@code usage} object ({@code prompt_tokens}, {@code completion_tokens},
   * {@code total_tokens}, {@code prompt_tokens_details.cached_tokens}, else DeepSeek's
   * {@code prompt_cache_hit_tokens}, {@code completion_tokens_details.reasoning_tokens}); null or
   * missing gives {@link #ZERO}. A missing {@code total_tokens} is computed.
   */
  public static TokenUsage fromChat(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    long in = usage.path("prompt_tokens").asLong(0);
    long out = usage.path("completion_tokens").asLong(0);
    JsonNode total = usage.get("total_tokens");
    JsonNode cached = usage.path("prompt_tokens_details").get("cached_tokens");
    if (cached == null || !cached.canConvertToLong()) {
      cached = usage.path("prompt_cache_hit_tokens");
    }
    return new TokenUsage(in, out, total != null && total.canConvertToLong() ? total.asLong() : in + out,
        cached.asLong(0), usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
  }

  /**
   * The Responses {@code usage} object, with both details objects always present;
   * {@code cache_write_tokens} (required by the Responses schema, unknown here) is 0.
   */
  public ObjectNode toResponses() {
    ObjectNode u = Json.object();
    u.put("input_tokens", promptTokens);
    u.putObject("input_tokens_details").put("cached_tokens", cachedTokens).put("cache_write_tokens", 0);
    u.put("output_tokens", completionTokens);
    u.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
    u.put("total_tokens", totalTokens);
    return u;
  }

  /** The chat {@code usage} object, with both details objects always present. */
  public ObjectNode toChat() {
    ObjectNode u = Json.object();
    u.put("prompt_tokens", promptTokens);
    u.put("completion_tokens", completionTokens);
    u.put("total_tokens", totalTokens);
    u.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
    u.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
    return u;
  }
}
