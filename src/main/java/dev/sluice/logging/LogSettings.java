package dev.sluice.logging;

import dev.sluice.config.Config;
import java.io.Console;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code logging:} config section.
 *
 * @param level debug, info, warn or error
 * @param json one JSON object per line instead of text
 * @param outputs where lines go: "stdout", "stderr" or file paths (appended to)
 * @param color "always", "never" or "auto" (colours when writing to a terminal); never in JSON
 * @param terminal whether the process writes to a terminal that takes colours
 */
public record LogSettings(String level, boolean json, List<String> outputs, String color, boolean terminal) {
  public static final String STDOUT = "stdout";
  public static final String STDERR = "stderr";

  /**
   * {@code logging.output} is stdout, stderr or a file path; codex-gateway's {@code file} and
   * {@code both} (stdout and the file) name the file with {@code logging.file.dir} and {@code .name}.
   */
  public static LogSettings fromConfig(Config cfg, Map<String, String> env) {
    String level = cfg.oneOf("logging.level", "debug", "info", "warn", "error");
    boolean json = "json".equals(cfg.oneOf("logging.format", "text", "json"));
    String output = cfg.requireString("logging.output");
    String file = Path.of(cfg.string("logging.file.dir")).resolve(cfg.requireString("logging.file.name")).toString();
    List<String> outputs = switch (output.toLowerCase(Locale.ROOT)) {
      case STDOUT -> List.of(STDOUT);
      case STDERR -> List.of(STDERR);
      case "file" -> List.of(file);
      case "both" -> List.of(STDOUT, file);
      default -> List.of(output);
    };
    String color = cfg.oneOf("logging.color", "auto", "always", "never");
    return new LogSettings(level, json, outputs, color, isTerminal(env));
  }

  static boolean isConsole(String output) {
    return output.equals(STDOUT) || output.equals(STDERR);
  }

  /** Whether lines written to {@code output} get ANSI colours. */
  boolean colored(String output) {
    return !json && switch (color) {
      case "always" -> true;
      case "never" -> false;
      default -> terminal && isConsole(output);
    };
  }

  /** Whether the process talks to a terminal that takes colours (and NO_COLOR is not set). */
  private static boolean isTerminal(Map<String, String> env) {
    if (env.containsKey("NO_COLOR") || "dumb".equals(env.get("TERM"))) {
      return false;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // Java 22+: System.console() exists even when redirected; isTerminal() tells.
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
