package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.e2e.ClaudeCodeTest;
import dev.sluice.fake.FakeCodexBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude Code, unmodified, on the ChatGPT account pool: its Messages requests go through the router as
 * chat completions to the Codex backend (the fake), a Claude model name aliased to a Codex model; the
 * turn uses the Read tool and answers with the file's content, and the session sticks to one account.
 */
class ClaudeCodeOnCodexTest {
  @TempDir
  Path dir;

  @Test
  void claudeCodeReadsAFileThroughTheCodexPool() throws Exception {
    Path claude = ClaudeCodeTest.claudeBinary();
    try (CodexHarness h = new CodexHarness(List.of("acct-a", "acct-b"), """
        upstreams:
          pool: { type: codex }
        models:
          - { name: "*", targets: ["pool:gpt-5.3-codex"] }
        """)) {
      Path work = Files.createDirectories(dir.resolve("project"));
      Path secret = Files.writeString(work.resolve("notes.txt"), "codex-pool-says-hello\n");
      String out = ClaudeCodeTest.run(claude, h.baseUrl(), CodexHarness.KEY, work, dir.resolve("home"),
          "Read the file " + secret + " and answer with its content.");
      assertThat(out).contains("tool said:").contains("codex-pool-says-hello");
      List<String> accounts = h.backend.requests().stream().map(FakeCodexBackend.Seen::accountId).distinct().toList();
      assertThat(h.backend.requests()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(accounts).as("one Claude Code session, one account").hasSize(1);
      assertThat(h.backend.requests()).allSatisfy(s -> assertThat(s.body().path("model").asText())
          .isEqualTo("gpt-5.3-codex"));
    }
  }
}
