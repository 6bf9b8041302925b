package dev.sluice.usage;

import dev.sluice.error.ApiError;
import dev.sluice.config.TimeSpec;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;

/**
 * Filters and grouping of a usage summary.
 *
 * @param keyId only this key id, or null for all
 * @param since only records at or after this time, or null for all
 * @param by grouping
 */
public record UsageQuery(String keyId, Instant since, GroupBy by) {
  /** The column a summary groups by. */
  public enum GroupBy {
    MODEL, KEY, DAY;

    public static GroupBy parse(String s) {
      if (s == null || s.isBlank()) {
        return MODEL;
      }
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiError.invalidParam("by", "by must be one of model, key, day").exception();
      }
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public UsageQuery {
    by = by == null ? GroupBy.MODEL : by;
  }

  /**
   * A start time: an ISO date (UTC midnight), an ISO instant, or an age such as {@code 24h},
   * {@code 7d}, {@code 30m}. Blank gives null.
   */
  public static Instant parseSince(String s, Clock clock) {
    try {
      return TimeSpec.parse(s, clock, TimeSpec.Direction.BACK);
    } catch (DateTimeException e) {
      throw ApiError.invalidParam("since",
          "since must be a date (2026-01-31), an instant (2026-01-31T12:00:00Z) or an age (24h, 7d)").exception();
    }
  }
}
