package dev.sluice.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every doc_url the validator can produce lands on a heading of docs/validation.md. */
class ValidationDocTest {
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

  static String doc() {
    try (InputStream in = ValidationDocTest.class.getResourceAsStream("/docs/validation.md")) {
      assertThat(in).as("docs/validation.md on the classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** GitHub's heading slug: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
  static String slug(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  static Set<String> anchors() {
    Set<String> out = new TreeSet<>();
    Matcher m = HEADING.matcher(doc());
    while (m.find()) {
      out.add(slug(m.group(1)));
    }
    return out;
  }

  @Test
  void everyRuleAnchorHasAHeading() {
    Set<String> used = new TreeSet<>();
    FieldMatrix matrix = RequestValidator.openai().matrix();
    for (Endpoint e : Endpoint.values()) {
      matrix.fields(e).forEach(f -> used.add(f.anchor()));
    }
    used.add(RequestValidator.BODY_ANCHOR);
    assertThat(anchors()).containsAll(used);
  }

  @Test
  void docStatesThePinnedVersion() {
    assertThat(doc()).contains("openai-python " + RequestValidator.openai().matrix().version());
  }
}
