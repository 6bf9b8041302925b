package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import dev.sluice.storage.TestRedis;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code sluice serve} processes on one PostgreSQL database and one Redis, as behind a load
 * balancer: limits exact across them (request and token budgets); usage from all of them in one
 * database, none lost when one is stopped under load. (Key changes across instances: {@link
 * KeyChangesAcrossInstances}.)
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
        %s\
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
        """.formatted(ADMIN, METERED, db.url(), db.username(), fake.baseUrl(), GatewayHarness.UPSTREAM_KEY,
            TestRedis.URL));
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

  /** A plan whose token budget one request overdraws: 60 tokens a minute, one token back a second. */
  static final String METERED = """
      plans:
        metered: { chat_rpm: 1000, images_rpm: 1, embeddings_rpm: 1000, tpm: 60 }
      """;
  /** A chat request whose answer costs 62 tokens at the fake (10 prompt, "echo:" and the 51 words). */
  static final String CHAT_62_TOKENS = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
      + "word ".repeat(50) + "word\"}]}";

  /**
   * The token bucket is shared too: a request debited on one instance leaves the key in token debt
   * on the others, and their 429 is the one this machine's in-memory limiter gives for the same
   * requests on a single instance: the same headers, values and Retry-After, which admits the next
   * request when it says.
   */
  @Test
  @Order(2)
  void aTokenBudgetSpentOnOneInstanceIsSpentOnTheOthersWithTheInMemoryLimitersAnswer() throws Exception {
    HttpResponse<String> inMemory;
    try (E2e.Gateway one = new E2e.Gateway(Database.Dialect.SQLITE, METERED)) {
      CreatedKey key = one.createKey("metered-in-memory", "metered", List.of());
      inMemory = overdrawThenAsk(n -> one.h.post("/v1/chat/completions", n == 0 ? CHAT_62_TOKENS : CHAT,
          "Authorization", "Bearer " + key.secret()), () -> { });
    }

    CreatedKey key = keys.create(new NewKey("metered-over-three", List.of(), "metered", null));
    HttpResponse<String> onRedis = overdrawThenAsk(n -> cluster.post(n, "/v1/chat/completions",
            n == 0 ? CHAT_62_TOKENS : CHAT, "Authorization", "Bearer " + key.secret()).join(),
        () -> assertThat(TestRedis.exists("sluice:rl:{" + key.key().id() + "}:tokens"))
            .as("the 62 tokens debited in Redis").isTrue());

    for (HttpResponse<String> r : List.of(inMemory, onRedis)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
      assertThat(e.path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(e.path("code").asText()).isEqualTo("rate_limit_exceeded");
      assertThat(e.path("message").asText()).startsWith("Rate limit reached for tokens per min (TPM): Limit 60, Remaining 0.");
      assertThat(RateLimitHttpTest.header(r, "x-ratelimit-limit-tokens")).isEqualTo("60");
      assertThat(RateLimitHttpTest.header(r, "x-ratelimit-remaining-tokens")).isEqualTo("0");
      assertThat(RateLimitHttpTest.header(r, "x-ratelimit-limit-requests")).isEqualTo("1000");
      assertThat(RateLimitHttpTest.header(r, "x-ratelimit-remaining-requests"))
          .as("the admitted request's unit is back after 60 ms, a refused one costs none").isEqualTo("1000");
      // 62 tokens from a full bucket of 60: 2 in debt, one more needed, at one a second: 3 s after the debit
      long retryAfterMs = Long.parseLong(RateLimitHttpTest.header(r, "retry-after-ms"));
      assertThat(retryAfterMs).isBetween(1500L, 3000L);
      assertThat(Long.parseLong(RateLimitHttpTest.header(r, "retry-after"))).isEqualTo(Math.ceilDiv(retryAfterMs, 1000));
      // full again when all 62 are back
      assertThat(RateLimitHttpTest.durationMillis(RateLimitHttpTest.header(r, "x-ratelimit-reset-tokens")))
          .isCloseTo(retryAfterMs + 59_000, Offset.offset(2L));
    }
    assertThat(rateLimitHeaderNames(onRedis)).as("the same headers as in memory")
        .isEqualTo(rateLimitHeaderNames(inMemory));
    assertThat(Long.parseLong(RateLimitHttpTest.header(onRedis, "retry-after-ms")))
        .as("the same wait as in memory, give or take the requests' timing")
        .isCloseTo(Long.parseLong(RateLimitHttpTest.header(inMemory, "retry-after-ms")),
            Offset.offset(700L));

    Thread.sleep(Long.parseLong(RateLimitHttpTest.header(onRedis, "retry-after")) * 1000);
    HttpResponse<String> next = cluster.post(2, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret())
        .join();
    assertThat(next.statusCode()).as("after Retry-After, on the third instance: %s", next.body()).isEqualTo(200);
  }

  /** A sender of the scenario's {@code n}th request (0: the expensive one). */
  interface Send {
    HttpResponse<String> send(int n) throws Exception;
  }

  /**
   * Request 0 (62 tokens) on instance 0, then request 1 on instance 1 once the debit has landed (300 ms
   * later in both runs, so that their waits compare): its answer.
   */
  private static HttpResponse<String> overdrawThenAsk(Send send, Runnable debited) throws Exception {
    HttpResponse<String> first = send.send(0);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(RateLimitHttpTest.header(first, "x-ratelimit-remaining-tokens")).isEqualTo("60");
    Thread.sleep(300);
    debited.run();
    return send.send(1);
  }

  /** The rate-limit header names of a response, lower case (HTTP names ignore case). */
  private static Set<String> rateLimitHeaderNames(HttpResponse<?> r) {
    return r.headers().map().keySet().stream().map(h -> h.toLowerCase(Locale.ROOT))
        .filter(h -> h.startsWith("x-ratelimit-") || h.startsWith("retry-after")).collect(Collectors.toSet());
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
