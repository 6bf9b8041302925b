package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.TokenUsage;

/**
 * The token counts of an Anthropic {@code usage} object. {@code input_tokens} EXCLUDES cache reads
 * and writes, so the chat view is {@code prompt_tokens = input + cache_creation + cache_read},
 * {@code completion_tokens = output}, {@code prompt_tokens_details.cached_tokens = cache_read}; the
 * chat {@code usage} also keeps {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}.
 */
public record AnthropicUsage(long inputTokens, long outputTokens, long cacheCreationInputTokens,
                             long cacheReadInputTokens) {
  public static final AnthropicUsage ZERO = new AnthropicUsage(0, 0, 0, 0);

  /** Reads a {@code usage} object; missing or null counts are 0. */
  public static AnthropicUsage from(JsonNode usage) {
    return ZERO.updatedBy(usage);
  }

  /**
   * These counts overwritten by those present in {@code usage} (the cumulative {@code usage} of a
   * {@code message_delta}, which may omit the input counts of {@code message_start}).
   */
  public AnthropicUsage updatedBy(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return this;
    }
    return new AnthropicUsage(count(usage, "input_tokens", inputTokens), count(usage, "output_tokens", outputTokens),
        count(usage, "cache_creation_input_tokens", cacheCreationInputTokens),
        count(usage, "cache_read_input_tokens", cacheReadInputTokens));
  }

  /** The gateway's token usage (reasoning tokens are not reported separately by Anthropic: 0). */
  public TokenUsage toTokenUsage() {
    long prompt = inputTokens + cacheCreationInputTokens + cacheReadInputTokens;
    return new TokenUsage(prompt, outputTokens, prompt + outputTokens, cacheReadInputTokens, 0, cacheCreationInputTokens);
  }

  /** The chat {@code usage} object, with the two Anthropic cache counts kept alongside. */
  public ObjectNode toChat() {
    ObjectNode u = toTokenUsage().toChat();
    u.put("cache_read_input_tokens", cacheReadInputTokens);
    u.put("cache_creation_input_tokens", cacheCreationInputTokens);
    return u;
  }

  private static long count(JsonNode usage, String field, long otherwise) {
    JsonNode v = usage.get(field);
    return v != null && v.canConvertToLong() && v.isNumber() ? v.asLong() : otherwise;
  }
}
