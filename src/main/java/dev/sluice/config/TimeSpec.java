package dev.sluice.config;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Moments as people type them: an ISO date, an ISO instant, or a span from now ({@code 30m},
 * {@code 12h}, {@code 7d}).
 */
public final class TimeSpec {
  /** Which way a span counts, and which end of a date is meant. */
  public enum Direction {
    /** spans count forward; a date means the end of that UTC day (expiries) */
    AHEAD,
    /** spans count back; a date means the start of that UTC day (since) */
    BACK
  }

  private TimeSpec() {
  }

  /**
   * @return the moment, or null for a blank string
   * @throws DateTimeException when the text is none of the accepted forms
   */
  public static Instant parse(String s, Clock clock, Direction direction) {
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
        return direction == Direction.AHEAD ? clock.instant().plus(d) : clock.instant().minus(d);
      }
      if (t.length() == 10) {
        LocalDate day = LocalDate.parse(t);
        return (direction == Direction.AHEAD ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(t);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new DateTimeException("not a time: " + t);
    }
  }
}
