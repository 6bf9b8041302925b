package dev.sluice.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One usage window of an account as the backend last reported it.
 *
 * @param usedPercent 0..100
 * @param windowMinutes the window's length, or null
 * @param resetsAt when the window resets, or null
 */
public record RateWindow(double usedPercent, Integer windowMinutes, Instant resetsAt) {

  /** Remaining capacity in percent at {@code now} (a window whose reset has passed counts as unused). */
  public double remainingPercent(Instant now) {
    if (resetsAt != null && !resetsAt.isAfter(now)) {
      return 100;
    }
    return Math.max(0, 100 - usedPercent);
  }

  /**
   * Reads any of the shapes the backend uses: {@code used_percent}, {@code window_minutes} or
   * {@code limit_window_seconds}, and {@code resets_at}/{@code reset_at} (epoch seconds) or
   * {@code resets_in_seconds}/{@code reset_after_seconds}. Null when there is no used percent.
   */
  static RateWindow fromJson(JsonNode n, Instant now) {
    if (n == null || !n.isObject() || !number(n.path("used_percent"))) {
      return null;
    }
    Integer minutes = null;
    if (number(n.path("window_minutes"))) {
      minutes = n.path("window_minutes").asInt();
    } else if (number(n.path("limit_window_seconds"))) {
      minutes = (int) (n.path("limit_window_seconds").asLong() / 60);
    }
    Instant reset = null;
    for (String k : new String[] {"resets_at", "reset_at"}) {
      if (reset == null && number(n.path(k))) {
        reset = Instant.ofEpochSecond(n.path(k).asLong());
      }
    }
    for (String k : new String[] {"resets_in_seconds", "reset_after_seconds"}) {
      if (reset == null && number(n.path(k))) {
        reset = now.plusSeconds(n.path(k).asLong());
      }
    }
    return new RateWindow(n.path("used_percent").asDouble(), minutes, reset);
  }

  private static boolean number(JsonNode n) {
    if (n.isNumber()) {
      return true;
    }
    if (n.isTextual()) {
      try {
        Double.parseDouble(n.asText());
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }
}
