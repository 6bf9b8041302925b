package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.json.Json;
import dev.sluice.keys.KeyService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The admin API mounted in the real gateway, unknown plans refused, and no secret in any log line. */
class AdminAndSecretsHttpTest {
  static final String ADMIN = "e2e-admin-key-never-logged-42";
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final Pattern ACCESS = Pattern.compile("request_id=(\\S+) method=(\\S+) path=(\\S+) model=(\\S+) status=(\\d+) "
      + "latency_ms=(\\d+) upstream_latency_ms=(-?\\d+) .*");

  @TempDir
  Path dir;

  static HttpResponse<String> admin(GatewayHarness h, String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return h.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body()).path("error").path("code").asText();
  }

  @Test
  void adminKeysLifecycleAndSecretsStayOutOfTheLogs() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level previous = root.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
    List<String> secrets = new ArrayList<>(List.of(ADMIN, GatewayHarness.KEY, GatewayHarness.UPSTREAM_KEY));
    List<String> requestIds = new ArrayList<>();
    try (GatewayHarness h = new GatewayHarness("""
        auth:
          admin_api_key: "%s"
        plans:
          tiny: {chat_rpm: 5, images_rpm: 1, embeddings_rpm: 2, tpm: 100000}
        """.formatted(ADMIN))) {
      HttpResponse<String> created = admin(h, "POST", "/admin/keys",
          "{\"name\":\"e2e\",\"models\":[\"gpt-4o\"],\"plan\":\"tiny\"}", ADMIN);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode k = Json.MAPPER.readTree(created.body());
      String secret = k.path("key").asText();
      String id = k.path("id").asText();
      assertThat(secret).startsWith(KeyService.KEY_PREFIX);
      secrets.add(secret);
      secrets.add(KeyService.hash(secret));
      secrets.add(KeyService.hash(ADMIN));
      secrets.add(KeyService.hash(GatewayHarness.KEY));

      HttpResponse<String> unknownPlan = admin(h, "POST", "/admin/keys", "{\"name\":\"x\",\"plan\":\"gold\"}", ADMIN);
      assertThat(unknownPlan.statusCode()).isEqualTo(400);
      JsonNode upErr = Json.MAPPER.readTree(unknownPlan.body()).path("error");
      assertThat(upErr.path("param").asText()).isEqualTo("plan");
      assertThat(upErr.path("message").asText()).contains("unknown plan 'gold'").contains("tiny");
      assertThat(admin(h, "POST", "/admin/keys", "{\"name\":\"y\",\"plan\":\"Free\"}", ADMIN).statusCode())
          .as("shipped plans, any case").isEqualTo(201);

      HttpResponse<String> used = h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + secret);
      assertThat(used.statusCode()).isEqualTo(200);
      assertThat(used.headers().firstValue("x-ratelimit-limit-requests")).hasValue("5");
      requestIds.add(used.headers().firstValue("x-request-id").orElseThrow());
      HttpResponse<String> configKey = h.post("/v1/chat/completions", CHAT);
      assertThat(configKey.statusCode()).isEqualTo(200);
      requestIds.add(configKey.headers().firstValue("x-request-id").orElseThrow());
      HttpResponse<String> stream = h.post("/v1/chat/completions", CHAT.replace("{", "{\"stream\":true,"),
          "Authorization", "Bearer " + secret);
      assertThat(stream.statusCode()).isEqualTo(200);
      requestIds.add(stream.headers().firstValue("x-request-id").orElseThrow());

      String wrong = "sk-sluice-" + "W".repeat(40);
      secrets.add(wrong);
      secrets.add(KeyService.hash(wrong));
      HttpResponse<String> wrongKey = h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + wrong);
      assertThat(wrongKey.statusCode()).isEqualTo(401);
      requestIds.add(wrongKey.headers().firstValue("x-request-id").orElseThrow());

      HttpResponse<String> adminOnApi = h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + ADMIN);
      assertThat(adminOnApi.statusCode()).as("the admin key is no API key").isEqualTo(401);
      assertThat(code(adminOnApi)).isEqualTo("invalid_api_key");
      requestIds.add(adminOnApi.headers().firstValue("x-request-id").orElseThrow());
      for (String apiKey : List.of(secret, GatewayHarness.KEY)) {
        HttpResponse<String> apiOnAdmin = admin(h, "GET", "/admin/keys", null, apiKey);
        assertThat(apiOnAdmin.statusCode()).as("an API key is no admin key").isEqualTo(401);
        assertThat(code(apiOnAdmin)).isEqualTo("invalid_api_key");
      }

      HttpResponse<String> usage = admin(h, "GET", "/admin/usage?by=key", null, ADMIN);
      assertThat(usage.statusCode()).isEqualTo(200);

      HttpResponse<String> revoked = admin(h, "POST", "/admin/keys/" + id + "/revoke", null, ADMIN);
      assertThat(revoked.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(revoked.body()).path("status").asText()).isEqualTo("revoked");
      HttpResponse<String> after = h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + secret);
      assertThat(after.statusCode()).as("revocation takes effect at once").isEqualTo(401);
      assertThat(code(after)).isEqualTo("invalid_api_key");
      requestIds.add(after.headers().firstValue("x-request-id").orElseThrow());
    } finally {
      root.detachAppender(appender);
      root.setLevel(previous);
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : appender.list) {
      lines.add(e.getLoggerName() + " " + e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertNoSecret(lines, secrets);

    List<String> access = appender.list.stream().filter(e -> e.getLoggerName().equals("sluice.access"))
        .map(ILoggingEvent::getFormattedMessage).toList();
    for (String rid : requestIds) {
      List<String> mine = access.stream().filter(l -> l.startsWith("request_id=" + rid + " ")).toList();
      assertThat(mine).as("exactly one access line for %s", rid).hasSize(1);
      Matcher m = ACCESS.matcher(mine.get(0));
      assertThat(m.matches()).as("access line fields: %s", mine.get(0)).isTrue();
      assertThat(m.group(2)).isEqualTo("POST");
      assertThat(m.group(3)).isEqualTo("/v1/chat/completions");
      assertThat(m.group(4)).isIn("gpt-4o", "null");
    }
  }

  static void assertNoSecret(List<String> lines, List<String> secrets) {
    for (String line : lines) {
      for (String s : secrets) {
        assertThat(line).as("log line leaks a secret").doesNotContain(s);
      }
    }
  }

  @Test
  void keysCreateRefusesAPlanTheConfigDoesNotDefine() throws Exception {
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg, """
        storage:
          url: "jdbc:sqlite:%s"
        plans:
          tiny: {chat_rpm: 5, images_rpm: 1, embeddings_rpm: 2, tpm: 100000}
        """.formatted(dir.resolve("k.db")));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("keys", "create", "--config", cfg.toString(), "--name", "bot", "--plan", "gold");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("unknown plan 'gold'").contains("tiny");
    assertThat(out.toString()).doesNotContain(KeyService.KEY_PREFIX);

    int ok = cl.execute("keys", "create", "--config", cfg.toString(), "--name", "bot", "--plan", "tiny");
    assertThat(ok).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).contains("plan: tiny");
    int listed = cl.execute("keys", "list", "--config", cfg.toString());
    assertThat(listed).isEqualTo(0);
    assertThat(out.toString().lines().filter(l -> l.contains("bot")).count()).as("only the valid key was stored").isEqualTo(2);
  }

}
