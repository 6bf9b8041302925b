package dev.sluice.dialect.anthropic.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.TokenUsage;
import dev.sluice.json.Json;

/**
 * A chat {@code usage} object as Anthropic's, always with all four fields:
 * {@code cache_read_input_tokens} = {@code prompt_tokens_details.cached_tokens};
 * {@code cache_creation_input_tokens} = the chat usage's {@code cache_creation_input_tokens} when an
 * upstream gives it (gateways that front Anthropic do), else 0; {@code input_tokens} =
 * {@code prompt_tokens} − both (Anthropic's {@code input_tokens} excludes cache reads and writes;
 * never below 0); {@code output_tokens} = {@code completion_tokens}.
 *
 * @param inputTokens uncached input tokens
 * @param outputTokens output tokens
 * @param cacheCreationInputTokens input tokens written to the cache
 * @param cacheReadInputTokens input tokens read from the cache
 */
public record AnthropicUsage(long inputTokens, long outputTokens, long cacheCreationInputTokens,
                             long cacheReadInputTokens) {

  /** Reads a chat {@code usage} object; null or missing gives all zeros. */
  public static AnthropicUsage fromChat(JsonNode usage) {
    TokenUsage u = TokenUsage.fromChat(usage);
    long creation = usage == null ? 0 : usage.path("cache_creation_input_tokens").asLong(0);
    long input = Math.max(0, u.promptTokens() - u.cachedTokens() - creation);
    return new AnthropicUsage(input, u.completionTokens(), creation, u.cachedTokens());
  }

  /** Usage known before the upstream says anything: the prompt estimate as input, nothing else. */
  public static AnthropicUsage estimate(long promptTokens) {
    return new AnthropicUsage(Math.max(0, promptTokens), 0, 0, 0);
  }

  /** The Anthropic {@code usage} object with all four fields. */
  public ObjectNode toJson() {
    ObjectNode u = Json.object();
    u.put("input_tokens", inputTokens);
    u.put("output_tokens", outputTokens);
    u.put("cache_creation_input_tokens", cacheCreationInputTokens);
    u.put("cache_read_input_tokens", cacheReadInputTokens);
    return u;
  }
}
