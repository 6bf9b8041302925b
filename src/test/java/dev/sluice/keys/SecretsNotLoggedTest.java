package dev.sluice.keys;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.admin.AdminApi;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.json.Json;
import dev.sluice.storage.TestDatabases;
import dev.sluice.usage.UsageService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Runs every key flow with all logging captured at DEBUG and checks no key or hash appears. */
class SecretsNotLoggedTest {
  static final Pattern KEY = Pattern.compile("sk-sluice-[0-9A-Za-z]{40}");
  static final String ADMIN = "admin-key-never-logged";
  static final String CONFIG_KEY = "config-key-never-logged";

  @TempDir
  Path dir;

  @Test
  void noKeyOrHashReachesALogLine() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level previous = root.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
    List<String> secrets = new ArrayList<>(List.of(ADMIN, CONFIG_KEY));
    try {
      secrets.addAll(cliFlow());
      secrets.addAll(serverFlow());
    } finally {
      root.detachAppender(appender);
      root.setLevel(previous);
    }

    List<String> forbidden = new ArrayList<>();
    for (String s : secrets) {
      forbidden.add(s);
      forbidden.add(KeyService.hash(s));
    }
    assertThat(appender.list).isNotEmpty();
    assertThat(appender.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("key lookup failed"));
    for (ILoggingEvent e : appender.list) {
      StringBuilder text = new StringBuilder(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        text.append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      text.append(e.getMDCPropertyMap());
      for (String f : forbidden) {
        assertThat(text.toString()).as("log line from %s", e.getLoggerName()).doesNotContain(f);
      }
    }
  }

  private List<String> cliFlow() throws Exception {
    Path config = dir.resolve("sluice.yaml");
    Files.writeString(config, "storage:\n  url: \"jdbc:sqlite:" + dir.resolve("cli.db") + "\"\n");
    String created = cli(config, "keys", "create", "--name", "a");
    String key = find(created);
    cli(config, "keys", "list");
    String rotated = find(cli(config, "keys", "rotate", key.substring(0, 16)));
    cli(config, "keys", "revoke", rotated.substring(0, 16));
    cli(config, "keys", "revoke", key);
    cli(config, "usage", "--key", key);
    return List.of(key, rotated);
  }

  private List<String> serverFlow() throws Exception {
    List<String> secrets = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    var db = TestDatabases.sqlite(dir);
    try {
      KeyService keys = new KeyService(new JdbcKeyRepository(db.db()), new MutableClock(Instant.now()), new SecureRandom());
      var settings = new KeyAuthenticator.Settings(CONFIG_KEY, "", ADMIN, Duration.ofSeconds(30),
          Duration.ofSeconds(5), Duration.ofHours(1));
      KeyAuthenticator auth = new KeyAuthenticator(vertx, keys, settings, keys.clock(), System::nanoTime);

      Router main = Router.router(vertx);
      main.route("/admin/*").subRouter(AdminApi.router(vertx, keys, UsageService.create(db.db()), ADMIN));
      int port = vertx.createHttpServer().requestHandler(main).listen(0).await(10, TimeUnit.SECONDS).actualPort();
      HttpClient http = HttpClient.newHttpClient();
      String body = post(http, port, "/admin/keys", "{\"name\":\"b\"}", ADMIN);
      String key = Json.parse(body).get("key").asText();
      secrets.add(key);
      post(http, port, "/admin/keys", "{\"name\":\"c\"}", key);

      await(auth.authenticate(key));
      await(auth.authenticate(CONFIG_KEY));
      await(auth.authenticate(ADMIN));
      String unknown = "sk-sluice-" + "u".repeat(40);
      secrets.add(unknown);
      await(auth.authenticate(unknown));
      String rotated = Json.parse(post(http, port, "/admin/keys/" + key.substring(0, 16) + "/rotate", null, ADMIN))
          .get("key").asText();
      secrets.add(rotated);
      await(auth.authenticate(key));
      await(auth.flushLastUse());

      db.db().close();
      String afterClose = "sk-sluice-" + "c".repeat(40);
      secrets.add(afterClose);
      await(auth.authenticate(afterClose));
      post(http, port, "/admin/keys", "{\"name\":\"d\"}", ADMIN);
      auth.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      db.close();
    }
    return secrets;
  }

  private static void await(io.vertx.core.Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception expectedForRejections) {
      // outcome checked elsewhere; here only the logs matter
    }
  }

  private static String post(HttpClient http, int port, String path, String body, String bearer) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + bearer)
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String cli(Path config, String... args) {
    StringWriter out = new StringWriter();
    var cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config.toString());
    cl.execute(all.toArray(String[]::new));
    return out.toString();
  }

  private static String find(String text) {
    Matcher m = KEY.matcher(text);
    assertThat(m.find()).isTrue();
    return m.group();
  }
}
