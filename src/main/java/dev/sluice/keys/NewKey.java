package dev.sluice.keys;

import dev.sluice.error.ApiError;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim();
    try {
      if (t.matches("\\d+[mhd]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        Duration d = switch (t.charAt(t.length() - 1)) {
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
        return clock.instant().plus(d);
      }
      if (t.length() == 10) {
        return LocalDate.parse(t).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(t);
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw ApiError.invalidParam("expires_at",
          "expiry must be a date (2026-12-31), an instant (2026-12-31T12:00:00Z) or a validity (30d, 12h)")
          .exception();
    }
  }
}
