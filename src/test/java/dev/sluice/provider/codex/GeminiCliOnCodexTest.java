package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.e2e.GeminiCliTest;
import dev.sluice.fake.FakeCodexBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gemini CLI, unmodified, on the ChatGPT account pool: its generateContent stream goes through the
 * router as chat completions to the Codex backend (the fake), a Gemini model name aliased to a Codex
 * model; the turn calls the CLI's read_file tool and answers with the file's content.
 */
class GeminiCliOnCodexTest {
  @TempDir
  Path dir;

  @Test
  void geminiCliReadsAFileThroughTheCodexPool() throws Exception {
    Path gemini = GeminiCliTest.geminiBinary();
    try (CodexHarness h = new CodexHarness(List.of("acct-a"), """
        upstreams:
          pool: { type: codex }
        models:
          - { name: "gemini-*", targets: ["pool:gpt-5.3-codex"] }
        """)) {
      Path work = Files.createDirectories(dir.resolve("project"));
      Path secret = Files.writeString(work.resolve("notes.txt"), "gemini-on-codex-says-hello\n");
      String out = GeminiCliTest.run(gemini, h.baseUrl(), CodexHarness.KEY, "gemini-3.1-pro-preview", work,
          dir.resolve("home"), "Read the file " + secret + " and answer with its content.");
      assertThat(out).contains("tool said:").contains("gemini-on-codex-says-hello");
      assertThat(h.backend.requests()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(h.backend.requests()).anySatisfy(s -> assertThat(s.body().path("input").toString())
          .contains("function_call_output").contains("gemini-on-codex-says-hello"));
      assertThat(h.backend.requests()).allSatisfy(s -> assertThat(s.body().path("model").asText())
          .isEqualTo("gpt-5.3-codex"));
    }
  }
}
