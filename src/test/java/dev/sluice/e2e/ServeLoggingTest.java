package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.json.Json;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve}'s output as configured by {@code logging.*}: every key has its effect. */
class ServeLoggingTest {
  static final String ESC = "\u001b[";
  static Vertx vertx;
  static FakeOpenAI fake;

  @TempDir
  Path dir;

  @BeforeAll
  static void startFake() {
    vertx = Vertx.vertx();
    fake = FakeOpenAI.start(vertx);
  }

  @AfterAll
  static void stopFake() {
    fake.close();
    vertx.close().await();
  }

  /** Runs {@code sluice serve} with {@code logging}, sends one chat request, stops it gracefully. */
  SluiceProcess serveOneRequest(String logging) throws Exception {
    return serveOneRequest(logging, null);
  }

  /** @param logFile where the start-up line is written (logging.output), null for stdout or stderr */
  SluiceProcess serveOneRequest(String logging, Path logFile) throws Exception {
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg, """
        server:
          listen: "127.0.0.1:0"
        auth:
          downstream_api_key: "%s"
        storage:
          url: "jdbc:sqlite:%s"
        upstream:
          mode: openai_api
          base_url: "%s"
          api_key: "%s"
        logging:
        %s
        """.formatted(GatewayHarness.KEY, dir.resolve("sluice.db"), fake.baseUrl(), GatewayHarness.UPSTREAM_KEY,
        logging.indent(2).stripTrailing()));
    SluiceProcess sluice = SluiceProcess.serve(cfg);
    try {
      int port = logFile == null ? sluice.awaitPort() : sluice.awaitPortIn(logFile);
      int status = RawHttp.status(port, "POST", "/v1/chat/completions",
          "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8),
          20_000, "Authorization", "Bearer " + GatewayHarness.KEY, "Content-Type", "application/json");
      assertThat(status).isEqualTo(200);
      sluice.stop();
      return sluice;
    } finally {
      sluice.close();
    }
  }

  @Test
  void jsonFormatMakesEveryLineOneJsonObjectAndDebugAddsDebugLines() throws Exception {
    SluiceProcess sluice = serveOneRequest("format: json\nlevel: debug");
    assertThat(sluice.stdout).isNotEmpty();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : sluice.stdout) {
      JsonNode node = Json.parse(line);
      assertThat(node.isObject()).as(line).isTrue();
      assertThat(node.path("time").asText()).as(line).isNotEmpty();
      assertThat(node.path("level").asText()).as(line).isNotEmpty();
      assertThat(node.path("message").isTextual()).as(line).isTrue();
      lines.add(node);
    }
    assertThat(lines).as("the start-up line").anySatisfy(n -> {
      assertThat(n.path("message").asText()).contains("listening on port");
      assertThat(n.path("port").asInt()).isPositive();
    });
    assertThat(lines).as("the access line, its fields at the top level").anySatisfy(n -> {
      assertThat(n.path("logger").asText()).isEqualTo("sluice.access");
      assertThat(n.path("request_id").asText()).startsWith("req_");
      assertThat(n.path("status").asInt()).isEqualTo(200);
      assertThat(n.path("path").asText()).isEqualTo("/v1/chat/completions");
    });
    assertThat(lines).as("debug lines of the gateway")
        .anySatisfy(n -> {
          assertThat(n.path("level").asText()).isEqualTo("DEBUG");
          assertThat(n.path("logger").asText()).startsWith("dev.sluice");
        });
  }

  @Test
  void infoLevelTextHasNoDebugLines() throws Exception {
    SluiceProcess sluice = serveOneRequest("format: text\nlevel: info\ncolor: never");
    assertThat(sluice.stdout).anyMatch(l -> l.contains("listening on port"));
    assertThat(sluice.stdout).anyMatch(l -> l.contains(" sluice.access ") && l.contains("request_id="));
    assertThat(sluice.stdout).noneMatch(l -> l.contains(" DEBUG ") || l.contains(ESC));
  }

  @Test
  void outputToAFilePath() throws Exception {
    Path log = dir.resolve("logs/sluice.log");
    SluiceProcess sluice = serveOneRequest("output: \"" + log + "\"\ncolor: auto", log);
    assertThat(sluice.stdout).isEmpty();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).anyMatch(l -> l.contains("listening on port"));
    assertThat(lines).anyMatch(l -> l.contains("sluice.access") && l.contains("request_id="));
    assertThat(lines).noneMatch(l -> l.contains(ESC));
  }

  @Test
  void codexGatewaysBothWritesStdoutAndTheFileColouredWhenAlways() throws Exception {
    Path log = dir.resolve("gateway.log");
    SluiceProcess sluice = serveOneRequest("output: both\ncolor: always\nfile:\n  dir: \"" + dir
        + "\"\n  name: gateway.log", log);
    for (List<String> lines : List.of(sluice.stdout, Files.readAllLines(log))) {
      assertThat(lines).anyMatch(l -> l.contains("listening on port"));
      assertThat(lines).anyMatch(l -> l.contains("sluice.access") && l.contains("request_id="));
      assertThat(lines).allMatch(l -> l.contains(ESC));
    }
  }

  @Test
  void outputToStderrUncolouredWhenNotATerminal() throws Exception {
    SluiceProcess sluice = serveOneRequest("output: stderr\ncolor: auto");
    assertThat(sluice.stdout).isEmpty();
    assertThat(sluice.stderr).anyMatch(l -> l.contains("listening on port"));
    assertThat(sluice.stderr).anyMatch(l -> l.contains("sluice.access"));
    assertThat(sluice.stderr).noneMatch(l -> l.contains(ESC));
  }
}
