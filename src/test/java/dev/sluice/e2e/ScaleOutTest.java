package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.storage.TestDatabases;
import dev.sluice.storage.TestRedis;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code sluice serve} processes on one PostgreSQL database and one Redis, as behind a load
 * balancer: limits exact across them; usage from all of them in one database, none lost when one
 * is stopped under load. (Key changes across instances: {@link KeyChangesAcrossInstances}.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {
  static final String ADMIN = "sk-admin-scale-out-test-0123456789";
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @TempDir
  static Path dir;
  static Vertx vertx;
  static FakeOpenAI fake;
  static TestDatabases.TestDb db;
  static KeyService keys;
  static Cluster cluster;

  @BeforeAll
  static void start() throws Exception {
    TestRedis.require();
    db = TestDatabases.postgres();
    keys = KeyService.create(db.db());
    vertx = Vertx.vertx();
    fake = FakeOpenAI.start(vertx);
    cluster = Cluster.start(dir, 3, """
        server:
          listen: "127.0.0.1:0"
          drain_delay_millis: 1500      # /healthz says draining this long before the listener closes
        usage:
          flush_interval_millis: 2000
        auth:
          admin_api_key: "%s"
        storage:
          url: "%s"
          username: "%s"
        upstream:
          mode: openai_api
          base_url: "%s"
          api_key: "%s"
        rate_limits:
          store: redis
        redis:
          url: "%s"
          timeout_millis: 3000          # a loaded test machine: Redis itself must answer, not the fallback
        """.formatted(ADMIN, db.url(), db.username(), fake.baseUrl(), GatewayHarness.UPSTREAM_KEY, TestRedis.URL));
  }

  @AfterAll
  static void stop() {
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
  }

  @Test
  @Order(1)
  void aFreeKeyHitBySixtyConcurrentRequestsOverThreeInstancesAdmitsExactlyTen() throws Exception {
    CreatedKey key = keys.create(new NewKey("free-over-three", List.of(), "free", null));
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(cluster.post(i % 3, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret()));
    }
    List<HttpResponse<String>> all;
    try {
      all = sent.stream().map(CompletableFuture::join).toList();
    } catch (RuntimeException e) {
      throw new AssertionError("output " + cluster.output(), e);
    }
    Map<Integer, List<HttpResponse<String>>> byStatus =
        all.stream().collect(Collectors.groupingBy(HttpResponse::statusCode));
    assertThat(byStatus.keySet()).as("statuses; output %s", cluster.output()).containsExactlyInAnyOrder(200, 429);
    assertThat(byStatus.get(200)).as("admitted over the three instances").hasSize(10);
    assertThat(byStatus.get(429)).hasSize(50);
    for (HttpResponse<String> r : byStatus.get(429)) {
      RateLimitHttpTest.assertRateLimited(r, 10);
    }
    assertThat(byStatus.get(200).stream().map(r -> RateLimitHttpTest.header(r, "x-ratelimit-remaining-requests")))
        .as("each admission took one unit of the one shared bucket")
        .containsExactlyInAnyOrder("9", "8", "7", "6", "5", "4", "3", "2", "1", "0");

    // Retry-After says when: waiting that long, the next request (on any instance) is admitted
    HttpResponse<String> last;
    do {
      last = cluster.post(1, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret()).join();
    } while (last.statusCode() == 200);
    assertThat(last.statusCode()).isEqualTo(429);
    Thread.sleep(Long.parseLong(RateLimitHttpTest.header(last, "retry-after")) * 1000);
    HttpResponse<String> next = cluster.post(2, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret())
        .join();
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    assertThat(RateLimitHttpTest.header(next, "x-ratelimit-remaining-requests")).isEqualTo("0");
  }

  /**
   * Last: stops the cluster. SIGTERM to one instance under load: its /healthz says draining while
   * it finishes, every request any instance answered has its usage row in the one database.
   */
  @Test
  @Order(100)
  void sigtermToOneOfThreeUnderLoadLosesNoUsageRecordAndItsHealthSaysDraining() throws Exception {
    CreatedKey key = keys.create(new NewKey("load-over-three", List.of(), null, null));
    AtomicInteger responded = new AtomicInteger();
    AtomicInteger cut = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch warm = new CountDownLatch(90);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      int client = c;
      clients.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; !stop.get(); i++) {
          int node = (client + i) % 3;
          boolean stream = i % 2 == 0;
          String body = "{\"model\":\"gpt-4o\",\"stream\":" + stream
              + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi [chunks=5] [interval_ms=10]\"}]}";
          try {
            int status = RawHttp.status(cluster.ports.get(node), "POST", "/v1/chat/completions",
                body.getBytes(StandardCharsets.UTF_8), 30_000,
                "Authorization", "Bearer " + key.secret(), "Content-Type", "application/json");
            if (status > 0) {
              responded.incrementAndGet();
            }
            warm.countDown();
          } catch (ConnectException e) {
            // the stopped instance refuses connections: a load balancer would have moved on
          } catch (IOException e) {
            cut.incrementAndGet(); // the stopping instance closed the connection before answering
          }
        }
      }));
    }
    assertThat(warm.await(60, TimeUnit.SECONDS)).as("load running").isTrue();

    SluiceProcess stopping = cluster.nodes.get(2);
    stopping.process.toHandle().destroy();
    String health = null;
    while (stopping.process.isAlive() && health == null) {
      try {
        RawHttp.Response r = RawHttp.send(cluster.ports.get(2), "GET", "/healthz", new byte[0], 5_000);
        if (r.status() == 503) {
          health = r.text();
        }
      } catch (IOException e) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(stopping.process.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    assertThat(health).as("/healthz while draining").isNotNull().contains("\"status\":\"draining\"");
    int atStop = responded.get();
    while (responded.get() < atStop + 30) {
      Thread.sleep(20);
    }
    stop.set(true);
    for (Thread t : clients) {
      t.join(60_000);
    }
    cluster.nodes.get(0).stop();
    cluster.nodes.get(1).stop();

    long rows;
    long cutRows;
    try (Connection c = db.db().connection();
         PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 499 THEN 1 "
             + "ELSE 0 END), 0) FROM usage_records WHERE key_id = ?")) {
      ps.setString(1, key.key().id());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        rows = rs.getLong(1);
        cutRows = rs.getLong(2);
      }
    }
    System.out.println("ScaleOutTest: " + responded.get() + " responses over 3 instances, " + cut.get()
        + " connections closed unanswered, " + rows + " usage rows");
    // every answered request has its row; a 499 row is a request whose connection the stop closed
    // before it was answered (these clients never hang up), and there are no more of those than cuts
    assertThat(rows - cutRows).as("usage rows of answered requests; output %s", GracefulShutdownTest.tail(cluster.output()))
        .isEqualTo(responded.get());
    assertThat(cutRows).as("499 rows vs connections closed unanswered").isLessThanOrEqualTo(cut.get());
  }
}
