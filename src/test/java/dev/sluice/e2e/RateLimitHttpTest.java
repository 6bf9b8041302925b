package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.storage.Database;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import dev.sluice.storage.TestRedis;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plans enforced exactly over real HTTP with concurrent clients, on SQLite and PostgreSQL, with the
 * limits in memory and on Redis (the same answers and headers from both stores).
 */
class RateLimitHttpTest {
  /** Where the limiter keeps its buckets. */
  enum Store {
    MEMORY(""),
    REDIS("""
        rate_limits:
          store: redis
        redis:
          url: "%s"
        """.formatted(TestRedis.URL));

    final String yaml;

    Store(String yaml) {
      this.yaml = yaml;
    }

    /** The config for this store; on Redis the buckets of the fixed config key are emptied first. */
    String[] config(String... yaml) {
      if (this == REDIS) {
        TestRedis.delete("sluice:rl:{config}:*");
      }
      return Stream.concat(Stream.of(yaml), Stream.of(this.yaml)).toArray(String[]::new);
    }
  }

  static Stream<Arguments> stores() {
    return Stream.of(Arguments.of(Database.Dialect.SQLITE, Store.MEMORY),
        Arguments.of(Database.Dialect.POSTGRESQL, Store.MEMORY), Arguments.of(Database.Dialect.SQLITE, Store.REDIS));
  }

  static final String PLANS = """
      plans:
        tiny:
          chat_rpm: 5
          images_rpm: 1
          embeddings_rpm: 2
          tpm: 100000
      auth:
        downstream_plan: tiny
      """;
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String CHAT_STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final List<String> HEADERS = List.of("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
      "x-ratelimit-reset-requests", "x-ratelimit-reset-requests-epoch", "x-ratelimit-limit-tokens",
      "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "x-ratelimit-reset-tokens-epoch");

  @ParameterizedTest
  @MethodSource("stores")
  void twentyConcurrentChatRequestsAdmitExactlyTheBurst(Database.Dialect dialect, Store store) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(dialect, store.config(PLANS))) {
      List<HttpResponse<String>> all = concurrently(g.h, 20, "/v1/chat/completions", CHAT, GatewayHarness.KEY);
      Map<Integer, List<HttpResponse<String>>> byStatus = all.stream().collect(Collectors.groupingBy(HttpResponse::statusCode));
      assertThat(byStatus.keySet()).containsExactlyInAnyOrder(200, 429);
      assertThat(byStatus.get(200)).hasSize(5);
      assertThat(byStatus.get(429)).hasSize(15);
      assertThat(g.h.fake.seen.stream().filter(s -> s.path().equals("/v1/chat/completions")).count())
          .as("rejected requests are not forwarded").isEqualTo(5);

      assertThat(byStatus.get(200)).allSatisfy(r -> {
        assertLimitHeaders(r, 5, 100_000);
        assertThat(r.headers().firstValue("retry-after")).isEmpty();
      });
      assertThat(byStatus.get(200).stream().map(r -> header(r, "x-ratelimit-remaining-requests")))
          .as("each admission took exactly one unit").containsExactlyInAnyOrder("4", "3", "2", "1", "0");
      for (HttpResponse<String> r : byStatus.get(429)) {
        assertRateLimited(r, 5);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void streamsCarryTheHeadersAndEachEndpointClassHasItsOwnBudget(Database.Dialect dialect, Store store)
      throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(dialect, store.config(PLANS))) {
      CreatedKey key = g.createKey("limited", "tiny", List.of());
      HttpResponse<String> stream = g.h.post("/v1/chat/completions", CHAT_STREAM,
          "Authorization", "Bearer " + key.secret());
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(header(stream, "content-type")).startsWith("text/event-stream");
      assertThat(stream.body()).contains("data: [DONE]");
      assertLimitHeaders(stream, 5, 100_000);
      assertThat(header(stream, "x-ratelimit-remaining-requests")).isEqualTo("4");

      List<HttpResponse<String>> embeddings = concurrently(g.h, 3, "/v1/embeddings",
          "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}", key.secret());
      assertThat(embeddings.stream().map(HttpResponse::statusCode)).containsExactlyInAnyOrder(200, 200, 429);
      for (HttpResponse<String> r : embeddings) {
        if (r.statusCode() == 200) {
          assertLimitHeaders(r, 2, 100_000);
        } else {
          assertRateLimited(r, 2);
        }
      }

      List<HttpResponse<String>> images = concurrently(g.h, 2, "/v1/images/generations",
          "{\"model\":\"dall-e-3\",\"prompt\":\"a cat\"}", key.secret());
      assertThat(images.stream().map(HttpResponse::statusCode)).containsExactlyInAnyOrder(200, 429);
      for (HttpResponse<String> r : images) {
        assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("1");
        assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).as("images use no token budget").isEmpty();
      }

      List<HttpResponse<String>> chats = concurrently(g.h, 6, "/v1/chat/completions", CHAT, key.secret());
      assertThat(chats.stream().filter(r -> r.statusCode() == 200)).as("4 chat requests were left").hasSize(4);
      HttpResponse<String> rejectedStream = g.h.post("/v1/chat/completions", CHAT_STREAM,
          "Authorization", "Bearer " + key.secret());
      assertRateLimited(rejectedStream, 5);

      HttpResponse<String> other = g.h.post("/v1/chat/completions", CHAT);
      assertThat(other.statusCode()).as("another key on the same plan has its own budget").isEqualTo(200);
      assertThat(header(other, "x-ratelimit-remaining-requests")).isEqualTo("4");
    }
  }

  static List<HttpResponse<String>> concurrently(GatewayHarness h, int n, String path, String body, String key) {
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(h.baseUrl() + path))
          .timeout(Duration.ofSeconds(20))
          .header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      futures.add(h.http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in " + r.headers().map()));
  }

  static void assertLimitHeaders(HttpResponse<?> r, int requestLimit, int tokenLimit) {
    for (String name : HEADERS) {
      assertThat(r.headers().allValues(name)).as("%s sent once on %s", name, r.statusCode()).hasSize(1);
    }
    assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo(Integer.toString(requestLimit));
    assertThat(header(r, "x-ratelimit-limit-tokens")).isEqualTo(Integer.toString(tokenLimit));
    assertThat(header(r, "x-ratelimit-reset-requests")).matches("(\\d+h)?(\\d+m)?\\d+(\\.\\d+)?s|\\d+ms");
  }

  /**
   * A 429 in the OpenAI shape whose waits agree: Retry-After is retry-after-ms rounded up to whole
   * seconds, within one emission interval; and (GCRA) the wait for one request is the time until
   * the whole budget is back minus the burst's worth, 60 s - 60 s / limit.
   */
  static void assertRateLimited(HttpResponse<String> r, int limit) throws Exception {
    assertThat(r.statusCode()).isEqualTo(429);
    JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(e.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(e.path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(e.path("message").asText()).contains("Limit " + limit);
    long retryAfter = Long.parseLong(header(r, "retry-after"));
    long retryAfterMs = Long.parseLong(header(r, "retry-after-ms"));
    long intervalMs = 60_000 / limit;
    assertThat(retryAfter).isBetween(1L, intervalMs / 1000);
    assertThat(retryAfter).isEqualTo(Math.ceilDiv(retryAfterMs, 1000));
    assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("0");
    assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo(Integer.toString(limit));
    long resetMs = durationMillis(header(r, "x-ratelimit-reset-requests"));
    assertThat(Math.abs(retryAfterMs - (resetMs - (60_000 - intervalMs))))
        .as("retry-after-ms %d vs reset %d ms", retryAfterMs, resetMs).isLessThanOrEqualTo(1);
  }

  /** OpenAI's duration format: 6s, 59.5s, 1m0s, 120ms. */
  static long durationMillis(String s) {
    if (s.endsWith("ms")) {
      return Long.parseLong(s.substring(0, s.length() - 2));
    }
    double total = 0;
    var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])").matcher(s);
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> v * 3_600_000;
        case "m" -> v * 60_000;
        default -> v * 1000;
      };
    }
    return Math.round(total);
  }
}
