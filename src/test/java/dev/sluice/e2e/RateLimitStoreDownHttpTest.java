package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.storage.Database;
import dev.sluice.storage.RedisStore;
import dev.sluice.storage.TestRedis;
import dev.sluice.testing.TcpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * Limits on a Redis that cannot answer: closed (connection refused) or silent (accepts, never
 * replies) from the start, or cut or silenced after a good connection (a relay between Sluice and
 * the real Redis). {@code rate_limits.on_store_error} decides, every request is answered within the
 * Redis timeout's bound, none hangs, and the failure is logged once, not once per request.
 */
class RateLimitStoreDownHttpTest {
  static final String CHAT = RateLimitHttpTest.CHAT;
  static final int TIMEOUT_MILLIS = 300;
  /** An admission waits at most twice the Redis timeout; the rest is HTTP on a busy test machine. */
  static final long ANSWERED_WITHIN_MILLIS = 3 * TIMEOUT_MILLIS + 1000;

  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private ServerSocket server;
  private TcpProxy proxy;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger redisLogger = (Logger) LoggerFactory.getLogger(RedisStore.class);

  @BeforeEach
  void captureLog() {
    log.start();
    redisLogger.addAppender(log);
  }

  @AfterEach
  void closeServer() throws IOException {
    redisLogger.detachAppender(log);
    if (server != null) {
      server.close();
    }
    for (Socket s : held) {
      s.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  /** A port where nothing listens, or one that accepts connections and never says anything. */
  private int redisPort(String kind) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = server.getLocalPort();
    if (kind.equals("closed")) {
      server.close();
      server = null;
    } else {
      Thread.ofPlatform().daemon().start(() -> {
        try {
          while (true) {
            held.add(server.accept());
          }
        } catch (IOException ignored) {
          // closed
        }
      });
    }
    return port;
  }

  /** A relay to the real Redis, which the test cuts or silences later. */
  private int proxiedRedisPort() throws IOException {
    TestRedis.require();
    URI redis = URI.create(TestRedis.URL);
    proxy = TcpProxy.to(redis.getHost(), redis.getPort());
    return proxy.port();
  }

  private static String config(int port, String policy) {
    return """
        plans:
          tiny: { chat_rpm: 3, images_rpm: 1, embeddings_rpm: 1, tpm: 100000 }
        auth:
          downstream_plan: tiny
        rate_limits:
          store: redis
          on_store_error: %s
        redis:
          url: "redis://127.0.0.1:%d"
          timeout_millis: %d
        """.formatted(policy, port, TIMEOUT_MILLIS);
  }

  @ParameterizedTest
  @CsvSource({"closed", "silent"})
  void allowFallsBackToThisInstancesOwnLimiter(String kind) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, config(redisPort(kind), "allow"))) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> ok = promptly(g, GatewayKey.CONFIG);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        RateLimitHttpTest.assertLimitHeaders(ok, 3, 100_000);
        assertThat(RateLimitHttpTest.header(ok, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(2 - i));
      }
      RateLimitHttpTest.assertRateLimited(promptly(g, GatewayKey.CONFIG), 3);
      assertLoggedOnce();
    }
  }

  @ParameterizedTest
  @CsvSource({"closed", "silent"})
  void denyAnswers503AndSendsNothingUpstream(String kind) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, config(redisPort(kind), "deny"))) {
      for (String path : List.of("/v1/chat/completions", "/api/v1/chat/completions")) {
        long start = System.nanoTime();
        HttpResponse<String> r = g.h.post(path, CHAT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("answered within").isLessThan(
            ANSWERED_WITHIN_MILLIS);
        assertStoreUnavailable(r);
      }
      assertThat(g.h.fake.seen.stream().filter(s -> s.path().equals("/v1/chat/completions"))).isEmpty();
      HttpResponse<String> health = g.h.get("/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertLoggedOnce();
    }
  }

  /**
   * Redis answered the key's first admission, then died (cut) or went silent: with {@code allow}
   * this instance's own limiter takes over at once (its own, fresh bucket of the plan: the count
   * starts again), and still limits the key.
   */
  @ParameterizedTest
  @CsvSource({"cut", "silence"})
  void allowAfterAGoodConnectionIsServedByTheLocalLimiterPromptly(String failure) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, config(proxiedRedisPort(), "allow"))) {
      CreatedKey key = g.createKey("redis-then-down", "tiny", List.of());
      GatewayKey k = new GatewayKey(key.secret());
      HttpResponse<String> first = promptly(g, k);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(RateLimitHttpTest.header(first, "x-ratelimit-remaining-requests")).isEqualTo("2");
      assertThat(TestRedis.exists("sluice:rl:{" + key.key().id() + "}:chat")).as("admitted by Redis").isTrue();

      fail(failure);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> ok = promptly(g, k);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        RateLimitHttpTest.assertLimitHeaders(ok, 3, 100_000);
        assertThat(RateLimitHttpTest.header(ok, "x-ratelimit-remaining-requests"))
            .as("the local limiter's own bucket").isEqualTo(Integer.toString(2 - i));
      }
      RateLimitHttpTest.assertRateLimited(promptly(g, k), 3);
      assertLoggedOnce();
    }
  }

  @ParameterizedTest
  @CsvSource({"cut", "silence"})
  void denyAfterAGoodConnectionAnswers503Promptly(String failure) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, config(proxiedRedisPort(), "deny"))) {
      CreatedKey key = g.createKey("redis-then-down", "tiny", List.of());
      GatewayKey k = new GatewayKey(key.secret());
      HttpResponse<String> first = promptly(g, k);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

      fail(failure);
      for (int i = 0; i < 5; i++) {
        assertStoreUnavailable(promptly(g, k));
      }
      assertThat(g.h.fake.seen.stream().filter(s -> s.path().equals("/v1/chat/completions")))
          .as("only the admitted request went upstream").hasSize(1);
      assertLoggedOnce();
    }
  }

  private void fail(String failure) {
    if (failure.equals("cut")) {
      proxy.cut();
    } else {
      proxy.silence();
    }
  }

  /** The key a request carries: the config's downstream key, or a created one. */
  record GatewayKey(String secret) {
    static final GatewayKey CONFIG = new GatewayKey(null);
  }

  /** A chat request, failing when its answer takes longer than the Redis timeout allows. */
  private static HttpResponse<String> promptly(E2e.Gateway g, GatewayKey key) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = key.secret() == null ? g.h.post("/v1/chat/completions", CHAT)
        : g.h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret());
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(took).as("answered (%d) within %d ms of redis.timeout_millis %d", r.statusCode(),
        ANSWERED_WITHIN_MILLIS, TIMEOUT_MILLIS).isLessThan(ANSWERED_WITHIN_MILLIS);
    return r;
  }

  private static void assertStoreUnavailable(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(e.path("type").asText()).isEqualTo("service_unavailable_error");
    assertThat(e.path("code").asText()).isEqualTo("rate_limit_store_unavailable");
    assertThat(e.path("message").asText()).contains("rate-limit store is unavailable");
    assertThat(RateLimitHttpTest.header(r, "retry-after")).isEqualTo("1");
  }

  /** Many failed admissions within a minute, one warning (the test takes far less than a minute). */
  private void assertLoggedOnce() {
    List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(warnings).as("warnings of RedisStore").hasSize(1);
    assertThat(warnings.get(0)).contains("logged at most once a minute");
  }
}
