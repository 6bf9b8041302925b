package dev.sluice.provider;

import dev.sluice.dialect.openai.chat.CacheUsageFields;
import dev.sluice.dialect.openai.chat.UsageFigures;
import dev.sluice.usage.TokenUsage;

/** The chat dialect's token counts as a usage record's. */
public final class ChatUsage {
  private ChatUsage() {
  }

  public static TokenUsage toRecord(dev.sluice.dialect.openai.chat.TokenUsage u) {
    return new TokenUsage(u.promptTokens(), u.completionTokens(), u.cachedTokens(), u.reasoningTokens());
  }

  /** The billed counts of an edited chat completion body: its usage figures, or its usage tree read. */
  public static TokenUsage billed(CacheUsageFields.Edited e) {
    UsageFigures f = e.figures();
    return f == null ? TokenUsage.fromOpenAi(e.usage())
        : new TokenUsage(f.promptTokens(), f.completionTokens(), f.cachedTokens(), f.reasoningTokens());
  }
}
