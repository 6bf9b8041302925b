package dev.sluice.usage;

import java.time.Instant;

/**
 * One finished request, as billed. Token counts are 0 when unknown. {@code upstream} is the upstream
 * that served (or the last one tried), {@code upstreamModel} the model it was asked for, {@code attempts}
 * how many upstream attempts the request took.
 */
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
    String errorCode,
    String upstreamModel,
    int attempts) {

  /** A record of a request that made at most one attempt, asking for the client's model. */
  public UsageRecord(Instant time, String requestId, String keyId, String endpoint, String model, String upstream,
                     String account, long promptTokens, long completionTokens, long cachedTokens,
                     long reasoningTokens, long latencyMillis, int status, String errorCode) {
    this(time, requestId, keyId, endpoint, model, upstream, account, promptTokens, completionTokens, cachedTokens,
        reasoningTokens, latencyMillis, status, errorCode, model, upstream == null ? 0 : 1);
  }
}
