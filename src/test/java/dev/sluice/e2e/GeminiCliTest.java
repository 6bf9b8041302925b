package dev.sluice.e2e;

import dev.sluice.testing.Prerequisites;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeGemini;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.Vertx;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gemini CLI ({@code @google/gemini-cli} from npm, pinned in {@code .ci/cli-tools.sh}), unmodified,
 * pointed at the gateway with {@code GOOGLE_GEMINI_BASE_URL} and a gateway key in {@code GEMINI_API_KEY}.
 * CI installs it and sets {@code SLUICE_GEMINI_BIN}; without it the tests using it are skipped outside
 * CI and fail in CI.
 */
public class GeminiCliTest {
  @TempDir
  Path dir;

  @Test
  void geminiCliReadsAFileThroughAGemini3Upstream() throws Exception {
    Path gemini = geminiBinary();
    Vertx vertx = Vertx.vertx();
    FakeGemini upstream = FakeGemini.start(vertx);
    // the fake calls the CLI's read_file tool for a file the prompt names; its signatures are enforced
    upstream.brain(req -> {
      Matcher file = FILE.matcher(FakeGemini.lastUserText(req));
      boolean asked = !req.path("contents").get(req.path("contents").size() - 1).toString().contains("functionResponse");
      if (asked && file.find() && req.toString().contains("\"read_file\"")) {
        return FakeGemini.reply().call("read_file", Json.object().put("file_path", file.group(1)));
      }
      return FakeGemini.defaultBrain(req);
    });
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, Map.of(), fakeOpenAi -> """
        upstreams:
          google: { type: gemini, base_url: "%s", api_key: "%s" }
        models:
          - { name: "gemini-*", targets: [google] }
        """.formatted(upstream.baseUrl(), FakeGemini.KEY))) {
      Path work = Files.createDirectories(dir.resolve("project"));
      Path secret = Files.writeString(work.resolve("notes.txt"), "gemini-three-says-hello\n");
      String out = run(gemini, g.h.baseUrl(), GatewayHarness.KEY, "gemini-3.1-pro-preview", work, dir.resolve("home"),
          "Read the file " + secret + " and answer with its content.");
      assertThat(out).contains("tool said:").contains("gemini-three-says-hello");
      List<FakeGemini.Seen> turns = upstream.seen.stream().filter(s -> "streamGenerateContent".equals(s.rpc())).toList();
      assertThat(turns).hasSizeGreaterThanOrEqualTo(2);
      assertThat(turns.getLast().json().toString()).as("the call went back signed, with the file's content")
          .contains("thoughtSignature").contains("gemini-three-says-hello");
      assertThat(upstream.seen).allSatisfy(s -> assertThat(s.headers().get("x-goog-api-key")).isEqualTo(FakeGemini.KEY));
    } finally {
      upstream.close();
      vertx.close().await();
    }
  }

  private static final Pattern FILE = Pattern.compile("(/[\\w./-]+\\.txt)");

  /** The Gemini CLI binary; the calling test is skipped without it (outside CI) or fails (in CI). */
  public static Path geminiBinary() {
    String bin = System.getenv("SLUICE_GEMINI_BIN");
    Path p = bin == null ? Path.of("target/cli/node_modules/.bin/gemini") : Path.of(bin);
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.isExecutable(p)) {
      assertThat(ci).as("CI installs the Gemini CLI (.ci/cli-tools.sh); missing: %s", p).isFalse();
      Prerequisites.missing("Gemini CLI not installed at " + p + " (run .ci/cli-tools.sh)");
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
