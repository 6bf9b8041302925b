package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.openai.chat.TokenUsage;

/**
 * A Gemini {@code usageMetadata} as the chat dialect's counts. {@code candidatesTokenCount} EXCLUDES
 * thoughts, so {@code prompt_tokens = promptTokenCount + toolUsePromptTokenCount},
 * {@code completion_tokens = candidatesTokenCount + thoughtsTokenCount}, {@code reasoning_tokens =
 * thoughtsTokenCount}, {@code cached_tokens = cachedContentTokenCount} (part of the prompt, as in
 * OpenAI's usage). Missing counts are 0.
 */
public final class GeminiUsage {
  private GeminiUsage() {
  }

  public static TokenUsage from(JsonNode usageMetadata) {
    if (usageMetadata == null || !usageMetadata.isObject()) {
      return TokenUsage.ZERO;
    }
    long prompt = count(usageMetadata, "promptTokenCount") + count(usageMetadata, "toolUsePromptTokenCount");
    long thoughts = count(usageMetadata, "thoughtsTokenCount");
    long completion = count(usageMetadata, "candidatesTokenCount") + thoughts;
    return new TokenUsage(prompt, completion, prompt + completion, count(usageMetadata, "cachedContentTokenCount"),
        thoughts);
  }

  private static long count(JsonNode usage, String field) {
    JsonNode v = usage.get(field);
    return v != null && v.isNumber() && v.canConvertToLong() ? Math.max(0, v.asLong()) : 0;
  }
}
