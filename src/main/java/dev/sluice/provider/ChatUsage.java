package dev.sluice.provider;

import dev.sluice.usage.TokenUsage;

/** The chat dialect's token counts as a usage record's. */
public final class ChatUsage {
  private ChatUsage() {
  }

  public static TokenUsage toRecord(dev.sluice.dialect.openai.chat.TokenUsage u) {
    return new TokenUsage(u.promptTokens(), u.completionTokens(), u.cachedTokens(), u.reasoningTokens());
  }
}
