package dev.sluice.logging;

import dev.sluice.config.Config;
import java.io.Console;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code logging:} config section.
 *
 * @param level debug, info, warn or error
 * @param json one JSON object per line instead of text
 * @param output "stdout", "stderr" or a file path (appended to)
 * @param color ANSI colours in text lines (never in JSON)
 */
public record LogSettings(String level, boolean json, String output, boolean color) {
  public static final String STDOUT = "stdout";
  public static final String STDERR = "stderr";

  public static LogSettings fromConfig(Config cfg, Map<String, String> env) {
    String level = cfg.oneOf("logging.level", "debug", "info", "warn", "error");
    boolean json = "json".equals(cfg.oneOf("logging.format", "text", "json"));
    String output = cfg.requireString("logging.output");
    if (output.equalsIgnoreCase(STDOUT) || output.equalsIgnoreCase(STDERR)) {
      output = output.toLowerCase(Locale.ROOT);
    }
    boolean toConsole = output.equals(STDOUT) || output.equals(STDERR);
    boolean color = switch (cfg.oneOf("logging.color", "auto", "always", "never")) {
      case "always" -> true;
      case "never" -> false;
      default -> toConsole && isTerminal(env);
    };
    return new LogSettings(level, json, output, color && !json);
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
