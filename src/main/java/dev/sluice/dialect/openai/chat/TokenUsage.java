package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/**
 * Token counts of one response, for billing and for the chat {@code usage} object. 0 when unknown.
 * {@code cachedTokens} (read from the prompt cache) and {@code cacheWriteTokens} (written to it) are
 * part of {@code promptTokens}; {@code reasoningTokens} part of {@code completionTokens}.
 */
public record TokenUsage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                         long reasoningTokens, long cacheWriteTokens) {
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

  /** Counts without cache writes (upstreams that report none, as OpenAI's). */
  public TokenUsage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                    long reasoningTokens) {
    this(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens, 0);
  }

  /**
   * Reads a Responses {@code usage} object ({@code input_tokens}, {@code output_tokens},
   * {@code total_tokens}, {@code input_tokens_details.cached_tokens} and {@code cache_write_tokens},
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
        usage.path("output_tokens_details").path("reasoning_tokens").asLong(0),
        usage.path("input_tokens_details").path("cache_write_tokens").asLong(0));
  }

  /**
   * Reads a chat {@code usage} object ({@code prompt_tokens}, {@code completion_tokens},
   * {@code total_tokens}, the cache figures as {@link CacheUsageFields} reads them,
   * {@code completion_tokens_details.reasoning_tokens}); null or missing gives {@link #ZERO}. A missing
   * {@code total_tokens} is computed.
   */
  public static TokenUsage fromChat(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    long in = usage.path("prompt_tokens").asLong(0);
    long out = usage.path("completion_tokens").asLong(0);
    JsonNode total = usage.get("total_tokens");
    return new TokenUsage(in, out, total != null && total.canConvertToLong() ? total.asLong() : in + out,
        CacheUsageFields.cacheRead(usage), usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0),
        CacheUsageFields.cacheCreation(usage));
  }

  /**
   * The Responses {@code usage} object, with both details objects always present
   * ({@code cache_write_tokens} is required by the Responses schema: 0 when unknown).
   */
  public ObjectNode toResponses() {
    ObjectNode u = Json.object();
    u.put("input_tokens", promptTokens);
    u.putObject("input_tokens_details").put("cached_tokens", cachedTokens).put("cache_write_tokens", cacheWriteTokens);
    u.put("output_tokens", completionTokens);
    u.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
    u.put("total_tokens", totalTokens);
    return u;
  }

  /**
   * The chat {@code usage} object, with both details objects always present and seed 001's
   * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}.
   */
  public ObjectNode toChat() {
    ObjectNode u = Json.object();
    u.put("prompt_tokens", promptTokens);
    u.put("completion_tokens", completionTokens);
    u.put("total_tokens", totalTokens);
    u.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
    u.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
    u.put(CacheUsageFields.CACHE_READ, cachedTokens);
    u.put(CacheUsageFields.CACHE_CREATION, cacheWriteTokens);
    return u;
  }
}
