package dev.sluice.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One label's values, fixed at start-up from configuration or a closed list, plus one fallback value for
 * anything else ({@code none}, {@code unrouted}, {@code other}): a value a client sent never becomes a
 * label, so the number of series is bounded by the configuration.
 */
final class Labels {
  private final String[] values;
  private final Map<String, Integer> index = new HashMap<>();
  private final int fallback;

  Labels(List<String> known, String fallbackValue) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(known));
    all.remove(fallbackValue);
    all.add(fallbackValue);
    values = all.toArray(String[]::new);
    for (int i = 0; i < values.length; i++) {
      index.put(values[i], i);
    }
    fallback = values.length - 1;
  }

  /** The index of {@code value}, or the fallback's when it is null or not configured. */
  int of(String value) {
    if (value == null) {
      return fallback;
    }
    Integer i = index.get(value);
    return i == null ? fallback : i;
  }

  int fallback() {
    return fallback;
  }

  String value(int i) {
    return values[i];
  }

  int size() {
    return values.length;
  }
}
