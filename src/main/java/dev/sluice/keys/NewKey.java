package dev.sluice.keys;

import dev.sluice.error.ApiError;
import dev.sluice.config.TimeSpec;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;

/**
 * What to create.
 *
 * @param name label, required
 * @param models allowed models; empty means all
 * @param plan plan name, or null/blank for unlimited
 * @param expiresAt end of validity, or null
 */
public record NewKey(String name, List<String> models, String plan, Instant expiresAt) {
  public NewKey {
    models = models == null ? List.of() : List.copyOf(models);
  }

  /**
   * An expiry: an ISO date (the key works through that UTC day), an ISO instant, or a validity
   * such as {@code 30d} or {@code 12h} from now. Blank gives null (no expiry).
   */
  public static Instant parseExpiry(String s, Clock clock) {
    try {
      return TimeSpec.parse(s, clock, TimeSpec.Direction.AHEAD);
    } catch (DateTimeException e) {
      throw ApiError.invalidParam("expires_at",
          "expiry must be a date (2026-12-31), an instant (2026-12-31T12:00:00Z) or a validity (30d, 12h)")
          .exception();
    }
  }
}
