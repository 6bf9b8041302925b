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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code sluice serve} processes on one PostgreSQL database and one Redis, as behind a load
 * balancer: limits exact across them, key changes reaching every instance within a second.
 */
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
}
