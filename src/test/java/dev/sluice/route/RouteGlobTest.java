package dev.sluice.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A route's glob: {@code *} any run, {@code ?} one character; the same answers as the regular expression it replaced. */
class RouteGlobTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "*|gpt-4o|true",
      "*|''|true",
      "claude-*|claude-sonnet-4-5|true",
      "claude-*|claude-|true",
      "claude-*|claud|false",
      "claude-*|xclaude-opus|false",
      "*-mini|gpt-4o-mini|true",
      "*-mini|gpt-4o-mini-2024|false",
      "gpt-?o|gpt-4o|true",
      "gpt-?o|gpt-44o|false",
      "gpt-?o|gpt-o|false",
      "a*b*c|abc|true",
      "a*b*c|axxbyybzzc|true",
      "a*b*c|axxbyyc|true",
      "a*b*c|axxcyyb|false",
      "a*b*c|abcb|false",
      "*a*a*a|aaaa|true",
      "*a*a*a|aab|false",
      "**|anything|true",
      "a**|a|true",
      "?|😀|true",
      "??|😀|false",
      "x?y|x😀y|true",
      "gemini-2.5-*|gemini-2.5-pro|true",
      "gemini-2.5-*|gemini-2x5-pro|false",
  })
  void matchesAsTheRegexDid(String glob, String model, boolean expected) {
    Route r = Route.of(glob, List.of(new Target("up", null)));
    assertEquals(expected, r.matches(model));
    assertEquals(regex(glob).matcher(model).matches(), r.matches(model), "regex parity");
  }

  @ParameterizedTest
  @CsvSource({"gpt-4o", "claude-sonnet-4-5"})
  void anExactNameMatchesOnlyItself(String name) {
    Route r = Route.of(name, List.of(new Target("up", null)));
    assertEquals(false, r.isGlob());
    assertEquals(true, r.matches(name));
    assertEquals(false, r.matches(name + "x"));
  }

  /** The translation Route used before: {@code *} to {@code .*}, {@code ?} to {@code .}, the rest quoted. */
  private static Pattern regex(String glob) {
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
