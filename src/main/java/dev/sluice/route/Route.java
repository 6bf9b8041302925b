package dev.sluice.route;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One entry of {@code models:}: a client-facing model name (exact, alias or glob) and its targets, in
 * fallback order.
 *
 * @param name as written: {@code gpt-4o}, {@code fast}, {@code claude-*}, {@code *}
 * @param targets tried in this order
 * @param glob the compiled pattern of a name with {@code *} or {@code ?}; null for an exact name
 */
public record Route(String name, List<Target> targets, Pattern glob) {
  public Route {
    targets = List.copyOf(targets);
  }

  public static Route of(String name, List<Target> targets) {
    boolean glob = name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    return new Route(name, targets, glob ? compile(name) : null);
  }

  /** Whether the name matches many models. */
  public boolean isGlob() {
    return glob != null;
  }

  /** Whether the client's model matches this route's name. */
  public boolean matches(String model) {
    return glob != null ? glob.matcher(model).matches() : name.equals(model);
  }

  private static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
