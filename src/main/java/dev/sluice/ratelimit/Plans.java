package dev.sluice.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.api.EndpointClass;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The configured plans, by name. Names are matched case-insensitively. */
public final class Plans {
  /** Largest accepted requests- or tokens-per-minute value. */
  public static final long MAX_PER_MINUTE = 30_000_000L;
  static final List<String> FIELDS = List.of("chat_rpm", "images_rpm", "embeddings_rpm", "tpm");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private final Map<String, Plan> byName;

  private Plans(Map<String, Plan> byName) {
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /** No plans (every key without a plan is unlimited; any named plan is unknown). */
  public static Plans none() {
    return new Plans(Map.of());
  }

  public static Plans of(Plan... plans) {
    var m = new LinkedHashMap<String, Plan>();
    for (Plan p : plans) {
      String key = p.name().toLowerCase(Locale.ROOT);
      if (m.put(key, p) != null) {
        throw new IllegalArgumentException("duplicate plan " + key);
      }
    }
    return new Plans(m);
  }

  /**
   * Parses the {@code plans:} section: a mapping from plan name to {@code chat_rpm}, {@code images_rpm},
   * {@code embeddings_rpm} and {@code tpm}, all required whole numbers in 1..{@value #MAX_PER_MINUTE}.
   *
   * @throws ConfigException naming the offending key, e.g. {@code plans.free.chat_rpm}
   */
  public static Plans fromConfig(Config config) {
    JsonNode section = config.node("plans");
    if (section.isMissingNode() || section.isNull()) {
      return none();
    }
    if (!section.isObject()) {
      throw new ConfigException("plans", "expected a mapping of plan name to limits");
    }
    var m = new LinkedHashMap<String, Plan>();
    for (var it = section.fields(); it.hasNext(); ) {
      var entry = it.next();
      String rawName = entry.getKey();
      String key = "plans." + rawName;
      String name = rawName.toLowerCase(Locale.ROOT);
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(key, "plan names use letters, digits, '_' and '-' (at most 64)");
      }
      if (m.containsKey(name)) {
        throw new ConfigException(key, "plan '" + name + "' is defined twice (names ignore case)");
      }
      JsonNode body = entry.getValue();
      if (!body.isObject()) {
        throw new ConfigException(key, "expected a mapping with " + String.join(", ", FIELDS));
      }
      for (var f = body.fieldNames(); f.hasNext(); ) {
        String field = f.next();
        if (!FIELDS.contains(field)) {
          throw new ConfigException(key + "." + field, "unknown setting (expected one of " + String.join(", ", FIELDS) + ")");
        }
      }
      m.put(name, new Plan(name, Map.of(
          EndpointClass.CHAT, (int) number(body, key, "chat_rpm"),
          EndpointClass.IMAGES, (int) number(body, key, "images_rpm"),
          EndpointClass.EMBEDDINGS, (int) number(body, key, "embeddings_rpm")),
          number(body, key, "tpm")));
    }
    return new Plans(m);
  }

  private static long number(JsonNode body, String planKey, String field) {
    String key = planKey + "." + field;
    JsonNode n = body.get(field);
    if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
      throw new ConfigException(key, "is required");
    }
    if (!n.isValueNode()) {
      throw new ConfigException(key, "expected a whole number");
    }
    String s = n.asText().trim().replace("_", "");
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected a whole number, got '" + n.asText() + "'");
    }
    if (v < 1) {
      throw new ConfigException(key, "must be >= 1, got " + v);
    }
    if (v > MAX_PER_MINUTE) {
      throw new ConfigException(key, "must be <= " + MAX_PER_MINUTE + ", got " + v);
    }
    return v;
  }

  /** The plan with this name (case-insensitive); empty for null, blank or unknown names. */
  public Optional<Plan> get(String name) {
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byName.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  /**
   * Checks a plan name for a new key: null or blank means unlimited and is accepted.
   *
   * @throws IllegalArgumentException for a name no plan has, listing the known ones
   */
  public void requireKnown(String name) {
    if (name != null && !name.isBlank() && get(name).isEmpty()) {
      throw new IllegalArgumentException("unknown plan '" + name + "' (configured plans: "
          + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
    }
  }

  public Collection<Plan> all() {
    return byName.values();
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }
}
