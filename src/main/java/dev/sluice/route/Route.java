package dev.sluice.route;

import java.util.List;

/**
 * One entry of {@code models:}: a client-facing model name (exact, alias or glob) and its targets, in
 * fallback order.
 *
 * @param name as written: {@code gpt-4o}, {@code fast}, {@code claude-*}, {@code *}
 * @param targets tried in this order
 * @param glob whether the name holds {@code *} (any run of characters) or {@code ?} (one character)
 */
public record Route(String name, List<Target> targets, boolean glob) {
  public Route {
    targets = List.copyOf(targets);
  }

  public static Route of(String name, List<Target> targets) {
    return new Route(name, targets, name.indexOf('*') >= 0 || name.indexOf('?') >= 0);
  }

  /** Whether the name matches many models. */
  public boolean isGlob() {
    return glob;
  }

  /** Whether the client's model matches this route's name. */
  public boolean matches(String model) {
    return glob ? globMatches(name, model) : name.equals(model);
  }

  /**
   * Whether {@code s} matches {@code glob}: {@code *} any run of characters (none included), {@code ?}
   * one character (a surrogate pair counts as one), anything else itself. Without a regular expression,
   * a {@code Matcher} and its arrays per request: the last {@code *} is retried one character further
   * on when the rest fails, which is enough because a later {@code *} can absorb whatever an earlier
   * one would have.
   */
  static boolean globMatches(String glob, String s) {
    int g = 0;
    int i = 0;
    int star = -1;
    int resume = 0;
    while (i < s.length()) {
      boolean more = g < glob.length();
      char c = more ? glob.charAt(g) : 0;
      if (more && c == '*') {
        star = g++;
        resume = i;
      } else if (more && c == '?') {
        g++;
        i += Character.charCount(s.codePointAt(i));
      } else if (more && c == s.charAt(i)) {
        g++;
        i++;
      } else if (star >= 0) {
        g = star + 1;
        resume += Character.charCount(s.codePointAt(resume));
        i = resume;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }
}
