package dev.sluice.usage;

import java.time.Instant;

/** One finished request, as billed. Token counts are 0 when unknown. */
public record UsageRecord(
    Instant time,
    String requestId,
    String keyId,
    String endpoint,
    String model,
    String upstream,
    String account,
    long promptTokens,
    long completionTokens,
    long cachedTokens,
    long reasoningTokens,
    long latencyMillis,
    int status,
    String errorCode) {
}
