package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Gemini CLI ({@code @google/gemini-cli} from npm, pinned in {@code .ci/cli-tools.sh}), unmodified,
 * pointed at the gateway with {@code GOOGLE_GEMINI_BASE_URL} and a gateway key in {@code GEMINI_API_KEY}.
 * CI installs it and sets {@code SLUICE_GEMINI_BIN}; without it the tests using it are skipped outside
 * CI and fail in CI.
 */
public final class GeminiCliTest {
  private GeminiCliTest() {
  }

  /** The Gemini CLI binary; the calling test is skipped without it (outside CI) or fails (in CI). */
  public static Path geminiBinary() {
    String bin = System.getenv("SLUICE_GEMINI_BIN");
    Path p = bin == null ? Path.of("target/cli/node_modules/.bin/gemini") : Path.of(bin);
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.isExecutable(p)) {
      assertThat(ci).as("CI installs the Gemini CLI (.ci/cli-tools.sh); missing: %s", p).isFalse();
      Assumptions.abort("Gemini CLI not installed at " + p + " (run .ci/cli-tools.sh)");
    }
    return p;
  }

  /**
   * Runs {@code gemini -m MODEL -p PROMPT -y} in {@code work} against the gateway at {@code baseUrl}
   * (no trailing {@code /v1beta}: the CLI adds it), in a home of its own; returns what it printed.
   */
  public static String run(Path gemini, String baseUrl, String key, String model, Path work, Path homeDir,
                           String prompt) throws IOException, InterruptedException {
    Path home = Files.createDirectories(homeDir);
    Path settings = Files.createDirectories(home.resolve(".gemini")).resolve("settings.json");
    // with a custom base URL its headless start needs the auth type said; no telemetry on a closed network
    Files.writeString(settings, """
        {"security": {"auth": {"selectedType": "gemini-api-key"}},
         "privacy": {"usageStatisticsEnabled": false},
         "telemetry": {"enabled": false}}
        """);
    ProcessBuilder pb = new ProcessBuilder(List.of(gemini.toAbsolutePath().toString(), "-m", model, "-p", prompt,
        "-y", "--output-format", "text"))
        .directory(work.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("GOOGLE_GEMINI_BASE_URL", baseUrl);
    env.put("GEMINI_API_KEY", key);
    env.put("GEMINI_CLI_TRUST_WORKSPACE", "true");
    env.remove("GOOGLE_API_KEY");
    env.remove("GOOGLE_CLOUD_PROJECT");
    env.remove("GOOGLE_GENAI_USE_VERTEXAI");
    env.put("NO_COLOR", "1");
    Process p = pb.start();
    p.getOutputStream().close();
    boolean done = p.waitFor(150, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("gemini -p finished; output so far: %s", out).isTrue();
    assertThat(p.exitValue()).as("exit code; output: %s", out).isZero();
    return out;
  }
}
