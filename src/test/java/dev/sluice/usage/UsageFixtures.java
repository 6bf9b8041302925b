package dev.sluice.usage;

import java.time.Instant;

final class UsageFixtures {
  private UsageFixtures() {
  }

  static UsageRecord record(Instant time, String keyId, String model, long prompt, long completion, int status) {
    return new UsageRecord(time, "req-" + System.nanoTime(), keyId, "chat_completions", model, "openai",
        null, prompt, completion, prompt / 2, completion / 3, 120, status, status >= 400 ? "upstream_error" : null);
  }
}
