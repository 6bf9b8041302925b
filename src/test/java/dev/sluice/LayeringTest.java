package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Lower layers never import higher ones: every {@code import dev.sluice...} in the main sources goes to
 * a layer below its own package's, or stays inside its feature. The shared vocabulary ({@code api}:
 * endpoints, limit classes, model info, API contracts) is at the bottom, errors (typed per contract)
 * just above it, the relay near the top.
 */
class LayeringTest {
  /** Feature (first package below dev.sluice) → layer; a feature may import only lower layers. */
  static final Map<String, Integer> LAYER = Map.ofEntries(
      Map.entry("json", 0), Map.entry("config", 0), Map.entry("sse", 0), Map.entry("bytes", 0),
      Map.entry("api", 1), Map.entry("storage", 1),
      Map.entry("error", 2),
      Map.entry("keys", 3), Map.entry("usage", 3), Map.entry("validation", 3), Map.entry("dialect", 3),
      Map.entry("http", 3), Map.entry("logging", 3),
      Map.entry("ratelimit", 4),
      Map.entry("accounts", 5),
      Map.entry("provider", 6),
      Map.entry("route", 7), Map.entry("metrics", 7),
      Map.entry("relay", 8),
      Map.entry("admin", 9),
      Map.entry("app", 10));
  static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.sluice\\.([a-z]+)\\.", Pattern.MULTILINE);
  static final Path MAIN = Path.of("src/main/java/dev/sluice");

  @Test
  void noPackageImportsALayerAboveItsOwn() throws IOException {
    List<String> violations = new ArrayList<>();
    int imports = 0;
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String feature = feature(MAIN.relativize(f));
        assertThat(LAYER).as("layer of %s (add new features to LAYER)", feature).containsKey(feature);
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          imports++;
          String target = LAYER.containsKey(m.group(1)) ? m.group(1) : "app";
          if (!target.equals(feature) && LAYER.get(target) >= LAYER.get(feature)) {
            violations.add(MAIN.relativize(f) + " (" + feature + ") imports " + target);
          }
        }
      }
    }
    assertThat(imports).as("the scan saw the imports").isGreaterThan(100);
    assertThat(violations).isEmpty();
  }

  /** The feature of a source file: its first package below dev.sluice; top-level classes and cli are the app. */
  static String feature(Path relative) {
    if (relative.getNameCount() == 1) {
      return "app";
    }
    String first = relative.getName(0).toString();
    return first.equals("cli") ? "app" : first;
  }
}
