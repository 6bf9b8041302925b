package dev.sluice.usage;

import com.fasterxml.jackson.databind.JsonNode;

/** Token counts of one request, as the upstream reported them (0 when unknown). */
public record TokenUsage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {
  public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** Reads OpenAI's chat/completions/embeddings {@code usage} object (or Responses' usage). */
  public static TokenUsage fromOpenAi(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return NONE;
    }
    long prompt = usage.has("prompt_tokens") ? usage.path("prompt_tokens").asLong()
        : usage.path("input_tokens").asLong();
    long completion = usage.has("completion_tokens") ? usage.path("completion_tokens").asLong()
        : usage.path("output_tokens").asLong();
    JsonNode pd = usage.has("prompt_tokens_details") ? usage.path("prompt_tokens_details")
        : usage.path("input_tokens_details");
    JsonNode cd = usage.has("completion_tokens_details") ? usage.path("completion_tokens_details")
        : usage.path("output_tokens_details");
    return new TokenUsage(prompt, completion, pd.path("cached_tokens").asLong(),
        cd.path("reasoning_tokens").asLong());
  }
}
