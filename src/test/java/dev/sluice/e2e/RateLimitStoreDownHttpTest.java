package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Limits on a Redis that cannot answer, closed (connection refused) or silent (accepts, never
 * replies): {@code rate_limits.on_store_error} decides, every request is answered, none hangs.
 */
class RateLimitStoreDownHttpTest {
  static final String CHAT = RateLimitHttpTest.CHAT;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private ServerSocket server;

  @AfterEach
  void closeServer() throws IOException {
    if (server != null) {
      server.close();
    }
    for (Socket s : held) {
      s.close();
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
          timeout_millis: 300
        """.formatted(policy, port);
  }

  @ParameterizedTest
  @CsvSource({"closed", "silent"})
  void allowFallsBackToThisInstancesOwnLimiter(String kind) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, config(redisPort(kind), "allow"))) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> ok = g.h.post("/v1/chat/completions", CHAT);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        RateLimitHttpTest.assertLimitHeaders(ok, 3, 100_000);
        assertThat(RateLimitHttpTest.header(ok, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(2 - i));
      }
      RateLimitHttpTest.assertRateLimited(g.h.post("/v1/chat/completions", CHAT), 3);
    }
  }

  @ParameterizedTest
  @CsvSource({"closed", "silent"})
  void denyAnswers503AndSendsNothingUpstream(String kind) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, config(redisPort(kind), "deny"))) {
      for (String path : List.of("/v1/chat/completions", "/api/v1/chat/completions")) {
        HttpResponse<String> r = g.h.post(path, CHAT);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("service_unavailable_error");
        assertThat(e.path("code").asText()).isEqualTo("rate_limit_store_unavailable");
        assertThat(e.path("message").asText()).contains("rate-limit store is unavailable");
        assertThat(RateLimitHttpTest.header(r, "retry-after")).isEqualTo("1");
      }
      assertThat(g.h.fake.seen.stream().filter(s -> s.path().equals("/v1/chat/completions"))).isEmpty();
      HttpResponse<String> health = g.h.get("/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }
}
