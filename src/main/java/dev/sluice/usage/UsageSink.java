package dev.sluice.usage;

/** Receives usage records. {@link #record} is called on the hot path and must not block. */
public interface UsageSink {
  void record(UsageRecord record);

  /** Discards records. */
  UsageSink NONE = r -> { };
}
