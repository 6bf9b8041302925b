package dev.sluice.e2e;

import dev.sluice.testing.Prerequisites;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.storage.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser: Debian's Chromium, headless, driven by {@code playwright-core}
 * (pinned in {@code .ci/browser-tools.sh}) running {@code src/test/js/console-browser.mjs} against Sluice
 * in front of the fake OpenAI. It signs in, creates a key with a plan, allowed models and an expiry and
 * sees them listed, uses it for a chat completion (and is refused another model), finds the request in
 * the request log with its bodies under Details ({@code logging.bodies} on) and in the charts, opens the
 * accounts page, revokes the key and sees the next request refused, and shows a key named like markup
 * (and a body holding it) as text, with no CSP violation, alert or script error. CI installs the
 * tools and sets {@code SLUICE_BROWSER_TOOLS}; without them the test is skipped outside CI and fails in CI.
 * The overview's screenshot lands in {@code target/console-overview.png} (the one in {@code docs/} is a copy).
 */
class ConsoleBrowserTest {
  static final String ADMIN = "admin-key-for-the-browser-test-0123";
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SLUICE_CHROMIUM", "/usr/bin/chromium"));

  @TempDir
  Path dir;

  static Path playwrightDir() {
    String env = System.getenv("SLUICE_BROWSER_TOOLS");
    Path p = env == null || env.isBlank() ? Path.of("target/browser") : Path.of(env);
    boolean ci = "true".equals(System.getenv("CI"));
    boolean present = Files.isDirectory(p.resolve("node_modules/playwright-core")) && Files.isExecutable(CHROMIUM);
    if (!present) {
      assertThat(ci).as("CI installs Chromium and playwright-core (.ci/browser-tools.sh); missing: %s or %s",
          p.resolve("node_modules/playwright-core"), CHROMIUM).isFalse();
      Prerequisites.missing("playwright-core or Chromium missing (run .ci/browser-tools.sh)");
    }
    return p.toAbsolutePath();
  }

  @Test
  void signInCreateUseSeeAndRevokeAKeyInChromium() throws Exception {
    Path tools = playwrightDir();
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, """
        auth:
          admin_api_key: "%s"
        logging:
          bodies: true
        """.formatted(ADMIN))) {
      Path screenshot = Path.of("target/console-overview.png").toAbsolutePath();
      Files.deleteIfExists(screenshot);
      Path log = dir.resolve("browser-script.log");
      // the output goes to a file: a pipe nobody reads while the script runs can fill and stall it
      ProcessBuilder pb = new ProcessBuilder("node", Path.of("src/test/js/console-browser.mjs").toAbsolutePath().toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(Map.of("BASE_URL", g.h.baseUrl(), "ADMIN_KEY", ADMIN, "MODEL", "gpt-4o",
          "CHROMIUM", CHROMIUM.toString(), "PLAYWRIGHT_DIR", tools.resolve("node_modules").toString(),
          "SCREENSHOT", screenshot.toString(), "USER_DATA_DIR", dir.resolve("profile").toString()));
      Process p = pb.start();
      p.getOutputStream().close();
      boolean ended = p.waitFor(5, TimeUnit.MINUTES);
      if (!ended) {
        // node and the Chromium it started: the browser's processes first, then node
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(ended).as("the browser script ended; its output so far:%n%s", out).isTrue();
      assertThat(p.exitValue()).as("the browser script's exit code; its output:%n%s", out).isZero();
      List<String> passed = out.lines().filter(l -> l.startsWith("ok ")).toList();
      assertThat(passed).as(out).hasSize(17);
      assertThat(out).contains("ok revoked in the console: the next request is refused 401")
          .contains("ok a key named <img src=x onerror=alert(1)> rendered as text")
          .contains("ok the list shows its plan, models and expiry")
          .contains("ok request and response bodies shown under Details, as text")
          .contains("ok upstreams, accounts and usage pages render");
      assertThat(screenshot).isNotEmptyFile();
    }
  }
}
