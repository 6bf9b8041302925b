package dev.sluice.e2e;

import dev.sluice.testing.Prerequisites;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeAnthropic;
import dev.sluice.storage.Database;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI ({@code @anthropic-ai/claude-code}, pinned in {@code .ci/cli-tools.sh}),
 * unmodified, pointed at Sluice by {@code ANTHROPIC_BASE_URL} with a Sluice key: {@code claude -p}
 * completes a turn that uses its Read tool on a file in its working directory and answers with the
 * file's content. CI installs the CLI and sets {@code SLUICE_CLAUDE_BIN}; without it the test is skipped
 * outside CI and fails in CI.
 */
public class ClaudeCodeTest {
  @TempDir
  Path dir;

  /** The Claude Code binary; the test is skipped without it (outside CI) or fails (in CI). */
  public static Path claudeBinary() {
    String bin = System.getenv("SLUICE_CLAUDE_BIN");
    Path p = bin == null ? Path.of("target/cli/node_modules/.bin/claude") : Path.of(bin);
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.isExecutable(p)) {
      assertThat(ci).as("CI installs Claude Code (.ci/cli-tools.sh); missing: %s", p).isFalse();
      Prerequisites.missing("Claude Code not installed at " + p + " (run .ci/cli-tools.sh)");
    }
    return p;
  }

  @Test
  void claudeCodeReadsAFileThroughAnAnthropicUpstream() throws Exception {
    Path claude = claudeBinary();
    Vertx vertx = Vertx.vertx();
    FakeAnthropic upstream = FakeAnthropic.start(vertx);
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeOpenAi -> """
        upstreams:
          claude: { type: anthropic, base_url: "%s", api_key: "%s" }
        models:
          - { name: "*", targets: [claude] }
        """.formatted(upstream.baseUrl(), FakeAnthropic.KEY))) {
      Path work = Files.createDirectories(dir.resolve("project"));
      Path secret = Files.writeString(work.resolve("secret.txt"), "the-password-is-swordfish\n");
      String out = run(claude, g.h.baseUrl(), GatewayHarness.KEY, work, dir.resolve("home"),
          "Read the file " + secret + " and answer with its content.");
      assertThat(out).contains("tool said:").contains("the-password-is-swordfish");
      assertThat(upstream.seen).anySatisfy(s -> assertThat(s.body()).contains("tool_result"));
      assertThat(upstream.seen).allSatisfy(s -> assertThat(s.headers().get("x-api-key")).isEqualTo(FakeAnthropic.KEY));
    } finally {
      upstream.close();
      vertx.close().await();
    }
  }

  /** Runs {@code claude -p PROMPT} in {@code work} against the gateway at {@code baseUrl}; returns its output. */
  public static String run(Path claude, String baseUrl, String key, Path work, Path homeDir, String prompt)
      throws IOException, InterruptedException {
    Path home = Files.createDirectories(homeDir);
    ProcessBuilder pb = new ProcessBuilder(List.of(claude.toAbsolutePath().toString(), "-p", prompt,
        "--allowedTools", "Read", "--max-turns", "4", "--output-format", "text"))
        .directory(work.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("ANTHROPIC_BASE_URL", baseUrl);
    env.put("ANTHROPIC_API_KEY", key);
    env.remove("ANTHROPIC_AUTH_TOKEN");
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_ERROR_REPORTING", "1");
    Process p = pb.start();
    p.getOutputStream().close();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("claude -p finished; output so far: %s", out).isTrue();
    assertThat(p.exitValue()).as("exit code; output: %s", out).isZero();
    return out;
  }
}
