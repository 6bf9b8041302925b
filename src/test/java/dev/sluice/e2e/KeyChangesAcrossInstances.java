package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.storage.Database;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two {@code sluice serve} processes on one database: a key revoked, rotated or re-planned through
 * one of them (admin API) or the CLI is refused / re-limited on the other within a second, although
 * each caches keys for 30 s. Subclasses choose the carrier (PostgreSQL NOTIFY, Redis pub/sub).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KeyChangesAcrossInstances {
  static final String ADMIN = "sk-admin-key-changes-test-0123456789";
  static final String CHAT = ScaleOutTest.CHAT;
  static final long WITHIN_MILLIS = 1000;

  Path dir;
  Vertx vertx;
  FakeOpenAI fake;
  Database db;
  KeyService keys;
  Cluster cluster;

  /** The {@code storage:} (and {@code redis:}) config of both instances. */
  abstract String storageYaml(Path dir);

  /** The database the instances use, for the test's own key service. */
  abstract Database openDatabase(Path dir);

  void cleanUp() {
  }

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("sluice-key-changes");
    vertx = Vertx.vertx();
    fake = FakeOpenAI.start(vertx);
    String storage = storageYaml(dir);
    db = openDatabase(dir);
    keys = KeyService.create(db);
    cluster = Cluster.start(dir, 2, """
        server:
          listen: "127.0.0.1:0"
        auth:
          admin_api_key: "%s"
        upstream:
          mode: openai_api
          base_url: "%s"
          api_key: "%s"
        """.formatted(ADMIN, fake.baseUrl(), GatewayHarness.UPSTREAM_KEY) + storage);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (fake != null) {
      fake.close();
      vertx.close().await();
    }
    if (db != null) {
      db.close();
    }
    cleanUp();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary directory
      }
    }
  }

  @Test
  void aKeyRevokedThroughOneInstanceIsRefusedByTheOtherWithinASecond() throws Exception {
    CreatedKey key = keys.create(new NewKey("revoked-on-0", List.of(), null, null));
    assertThat(chat(1, key.secret()).statusCode()).as("cached on instance 1").isEqualTo(200);

    HttpResponse<String> revoked = cluster.post(0, "/admin/keys/" + key.key().id() + "/revoke", "",
        "Authorization", "Bearer " + ADMIN).join();
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    awaitOnInstance1(key.secret(), r -> r.statusCode() == 401, "refused");
  }

  @Test
  void aKeyRotatedWithTheCliIsRefusedByTheInstancesWithinASecondAndItsNewSecretWorks() throws Exception {
    CreatedKey key = keys.create(new NewKey("rotated-by-cli", List.of(), null, null));
    assertThat(chat(0, key.secret()).statusCode()).isEqualTo(200);
    assertThat(chat(1, key.secret()).statusCode()).isEqualTo(200);

    List<String> printed = cli("keys", "rotate", key.key().id());
    String secret = printed.stream().filter(KeyService::looksLikeKey).findFirst()
        .orElseThrow(() -> new AssertionError("no new key in " + printed));
    long done = System.nanoTime();
    for (int node = 0; node < 2; node++) {
      awaitOn(node, done, key.secret(), r -> r.statusCode() == 401, "old secret refused");
    }
    assertThat(chat(0, secret).statusCode()).isEqualTo(200);
    assertThat(chat(1, secret).statusCode()).isEqualTo(200);
  }

  @Test
  void aKeyPutOnAnotherPlanThroughOneInstanceIsLimitedByItOnTheOtherWithinASecond() throws Exception {
    CreatedKey key = keys.create(new NewKey("re-planned-on-0", List.of(), "pro", null));
    HttpResponse<String> before = chat(1, key.secret());
    assertThat(RateLimitHttpTest.header(before, "x-ratelimit-limit-requests")).isEqualTo("300");

    HttpResponse<String> changed = cluster.post(0, "/admin/keys/" + key.key().id() + "/plan", "{\"plan\":\"free\"}",
        "Authorization", "Bearer " + ADMIN).join();
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(changed.body()).contains("\"plan\":\"free\"");
    awaitOnInstance1(key.secret(),
        r -> r.headers().firstValue("x-ratelimit-limit-requests").orElse("").equals("10"), "limited by free");
  }

  @Test
  void aKeyRevokedWithTheCliIsRefusedByTheInstancesWithinASecond() throws Exception {
    CreatedKey key = keys.create(new NewKey("revoked-by-cli", List.of(), null, null));
    assertThat(chat(0, key.secret()).statusCode()).as("cached on instance 0").isEqualTo(200);
    assertThat(chat(1, key.secret()).statusCode()).as("cached on instance 1").isEqualTo(200);

    List<String> printed = cli("keys", "revoke", key.key().id());
    assertThat(printed).anySatisfy(l -> assertThat(l).startsWith("Revoked key " + key.key().id()));
    long done = System.nanoTime();
    for (int node = 0; node < 2; node++) {
      awaitOn(node, done, key.secret(), r -> r.statusCode() == 401, "refused");
    }
  }

  @Test
  void aKeyRotatedThroughOneInstanceIsRefusedByTheOtherWithinASecondAndItsNewSecretWorks() throws Exception {
    CreatedKey key = keys.create(new NewKey("rotated-on-0", List.of(), null, null));
    assertThat(chat(1, key.secret()).statusCode()).as("cached on instance 1").isEqualTo(200);

    HttpResponse<String> rotated = cluster.post(0, "/admin/keys/" + key.key().id() + "/rotate", "",
        "Authorization", "Bearer " + ADMIN).join();
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    String secret = Json.MAPPER.readTree(rotated.body()).path("key").asText();
    assertThat(KeyService.looksLikeKey(secret)).as("new key in %s", rotated.body()).isTrue();
    awaitOnInstance1(key.secret(), r -> r.statusCode() == 401, "old secret refused");
    assertThat(chat(1, secret).statusCode()).isEqualTo(200);
    assertThat(chat(0, secret).statusCode()).isEqualTo(200);
  }

  @Test
  void aKeyPutOnAnotherPlanWithTheCliIsLimitedByItOnTheInstancesWithinASecond() throws Exception {
    CreatedKey key = keys.create(new NewKey("re-planned-by-cli", List.of(), "pro", null));
    for (int node = 0; node < 2; node++) {
      assertThat(RateLimitHttpTest.header(chat(node, key.secret()), "x-ratelimit-limit-requests"))
          .as("pro, cached on instance %d", node).isEqualTo("300");
    }

    List<String> printed = cli("keys", "plan", key.key().id(), "free");
    assertThat(printed).anySatisfy(l -> assertThat(l).endsWith("is now on plan free"));
    long done = System.nanoTime();
    for (int node = 0; node < 2; node++) {
      awaitOn(node, done, key.secret(),
          r -> r.headers().firstValue("x-ratelimit-limit-requests").orElse("").equals("10"), "limited by free");
    }
  }

  HttpResponse<String> chat(int node, String secret) {
    return cluster.post(node, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + secret).join();
  }

  private void awaitOnInstance1(String secret, Predicate<HttpResponse<String>> seen, String what) throws Exception {
    awaitOn(1, System.nanoTime(), secret, seen, what);
  }

  /** Polls instance {@code node} until {@code seen} holds, failing when that takes over a second from {@code since}. */
  private void awaitOn(int node, long since, String secret, Predicate<HttpResponse<String>> seen, String what)
      throws Exception {
    long deadline = since + TimeUnit.MILLISECONDS.toNanos(WITHIN_MILLIS);
    HttpResponse<String> r;
    do {
      r = chat(node, secret);
      if (seen.test(r)) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("instance " + node + " not " + what + " within " + WITHIN_MILLIS + " ms: "
        + r.statusCode() + " " + r.headers().map() + "; output " + cluster.output());
  }

  /** {@code sluice ...} with the instances' config, as an operator runs it; its output lines. */
  private List<String> cli(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.sluice.Main"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--config", cluster.config.toString()));
    Path out = Files.createTempFile(dir, "cli", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.readAllLines(out);
    assertThat(p.exitValue()).as("sluice %s: %s", String.join(" ", args), lines).isZero();
    return lines;
  }
}
