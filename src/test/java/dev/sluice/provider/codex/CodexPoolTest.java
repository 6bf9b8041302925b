package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.fake.FakeCodexBackend;
import dev.sluice.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several accounts behind one gateway: failover, exhaustion, stickiness, refresh, no accounts. */
class CodexPoolTest {
  static final String CHAT = "{\"model\":\"gpt-5.3-codex\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]%s}";

  static String chat(String text, String extra) {
    return CHAT.formatted(text, extra);
  }

  static List<FakeCodexBackend.Seen> since(CodexHarness h, int from) {
    List<FakeCodexBackend.Seen> all = h.backend.requests();
    return all.subList(from, all.size());
  }

  @Test
  void accountsRunOutOneByOneThenUsageLimitWithEarliestReset() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a", "acct-b", "acct-c")) {
      List<String> order = List.of("acct-b", "acct-a", "acct-c");
      List<Long> resets = List.of(600L, 300L, 900L);
      Set<String> out = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        h.backend.exhaust(order.get(i), resets.get(i));
        out.add(order.get(i));
        for (int j = 0; j < 3 && i < 2; j++) {
          int from = h.backend.requests().size();
          HttpResponse<String> r = h.post("/v1/chat/completions", chat("round " + i + " " + j, ""));
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          List<FakeCodexBackend.Seen> seen = since(h, from);
          FakeCodexBackend.Seen served = seen.get(seen.size() - 1);
          assertThat(served.status()).isEqualTo(200);
          assertThat(out).doesNotContain(served.accountId());
          assertThat(seen.subList(0, seen.size() - 1)).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(429);
            assertThat(out).contains(s.accountId());
          });
        }
      }
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("all out", ""));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      JsonNode err = Json.parse(r.body()).path("error");
      assertThat(err.path("code").asText()).isEqualTo("usage_limit_reached");
      long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(290L, 300L);
      long retryAfterMs = Long.parseLong(r.headers().firstValue("retry-after-ms").orElseThrow());
      assertThat(retryAfterMs).isBetween((retryAfter - 1) * 1000 + 1, retryAfter * 1000);
      // every account hit its limit at the backend exactly once: afterwards the gateway knew
      assertThat(h.backend.requests().stream().filter(s -> s.status() == 429).map(FakeCodexBackend.Seen::accountId))
          .containsExactlyInAnyOrder("acct-a", "acct-b", "acct-c");
    }
  }

  @Test
  void aUsageLimitThatResetsNowRestsTheOnlyAccountForASecond() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a")) {
      h.backend.exhaust("acct-a", 0);
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("limited", ""));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(Long.parseLong(r.headers().firstValue("retry-after-ms").orElseThrow())).isBetween(1L, 1000L);
      h.backend.restore("acct-a");
      Thread.sleep(1100);
      HttpResponse<String> after = h.post("/v1/chat/completions", chat("back", ""));
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }
  }

  @Test
  void usageLimitInsideAStreamBeforeOutputMovesToTheNextAccount() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a", "acct-b")) {
      h.backend.failNext(FakeCodexBackend.Failure.USAGE_LIMIT_BEFORE_OUTPUT);
      int from = h.backend.requests().size();
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("stream me", ",\"stream\":true"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"content\":\"stream \"", "\"content\":\"me\"").endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
      List<FakeCodexBackend.Seen> seen = since(h, from);
      assertThat(seen).hasSize(2);
      String exhausted = seen.get(0).accountId();
      assertThat(seen.get(1).accountId()).isNotEqualTo(exhausted);
      // the exhausted account rests: the next requests go to the other one
      for (int i = 0; i < 3; i++) {
        int n = h.backend.requests().size();
        assertThat(h.post("/v1/chat/completions", chat("again " + i, "")).statusCode()).isEqualTo(200);
        assertThat(since(h, n)).extracting(FakeCodexBackend.Seen::accountId).doesNotContain(exhausted);
      }
    }
  }

  @Test
  void usageLimitInsideTheStreamBehindAJsonAnswerMovesToTheNextAccount() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a", "acct-b")) {
      h.backend.failNext(FakeCodexBackend.Failure.USAGE_LIMIT_BEFORE_OUTPUT);
      int from = h.backend.requests().size();
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("json please", ""));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(Json.parse(r.body()).path("choices").path(0).path("message").path("content").asText())
          .isEqualTo("echo: json please");
      List<FakeCodexBackend.Seen> seen = since(h, from);
      assertThat(seen).hasSize(2);
      assertThat(seen.get(1).accountId()).isNotEqualTo(seen.get(0).accountId());
    }
  }

  @Test
  void theBackendsRateLimitsEventFeedsThePoolAndStaysWithIt() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a")) {
      h.backend.streamedPrimaryUsed(100);
      HttpResponse<String> r = h.post("/v1/responses", "{\"model\":\"gpt-5.3-codex\",\"stream\":true,\"input\":\"hi\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("event: response.completed").doesNotContain("rate_limits");
      int seen = h.backend.requests().size();
      // the event said the account's window is full: the pool rests it without asking the backend
      HttpResponse<String> next = h.post("/v1/responses", "{\"model\":\"gpt-5.3-codex\",\"input\":\"hi\"}");
      assertThat(next.statusCode()).as(next.body()).isEqualTo(429);
      assertThat(Json.parse(next.body()).path("error").path("code").asText()).isEqualTo("usage_limit_reached");
      assertThat(h.backend.requests()).hasSize(seen);
    }
  }

  @Test
  void aStreamCutBeforeOutputMovesToTheNextAccountForStreamingAndJsonClients() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a", "acct-b")) {
      String[] requests = {"/v1/chat/completions", chat("cut json", ""),
          "/v1/chat/completions", chat("cut stream", ",\"stream\":true"),
          "/v1/responses", "{\"model\":\"gpt-5.3-codex\",\"input\":\"cut json\"}",
          "/v1/responses", "{\"model\":\"gpt-5.3-codex\",\"input\":\"cut stream\",\"stream\":true}"};
      for (int i = 0; i < requests.length; i += 2) {
        h.backend.failNext(FakeCodexBackend.Failure.CUT_BEFORE_OUTPUT);
        int from = h.backend.requests().size();
        HttpResponse<String> r = h.post(requests[i], requests[i + 1]);
        assertThat(r.statusCode()).as(requests[i + 1] + ": " + r.body()).isEqualTo(200);
        assertThat(r.body()).contains("cut ");
        List<FakeCodexBackend.Seen> seen = since(h, from);
        assertThat(seen).as(requests[i + 1]).hasSize(2);
        assertThat(seen.get(1).accountId()).isNotEqualTo(seen.get(0).accountId());
      }
    }
  }

  @Test
  void sameCacheKeySticksToOneAccount() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a", "acct-b", "acct-c")) {
      int from = h.backend.requests().size();
      for (int i = 0; i < 4; i++) {
        assertThat(h.post("/v1/chat/completions", chat("q" + i, ",\"prompt_cache_key\":\"conv-1\"")).statusCode())
            .isEqualTo(200);
      }
      List<FakeCodexBackend.Seen> keyed = since(h, from);
      assertThat(keyed.stream().map(FakeCodexBackend.Seen::accountId).distinct()).hasSize(1);
      assertThat(keyed.stream().map(s -> s.headers().get("session_id")).distinct()).hasSize(1);

      int mid = h.backend.requests().size();
      for (int i = 0; i < 3; i++) {
        assertThat(h.post("/v1/chat/completions", chat("free " + i, "")).statusCode()).isEqualTo(200);
      }
      // without a key the pool spreads requests (least recently picked first)
      assertThat(since(h, mid).stream().map(FakeCodexBackend.Seen::accountId).distinct().count()).isGreaterThan(1);
    }
  }

  @Test
  void serverErrorMovesToTheNextAccount() throws Exception {
    CodexHarness h = new CodexHarness("acct-a", "acct-b");
    List<FakeCodexBackend.Seen> seen;
    try (h) {
      h.backend.failNextWithStatus(500);
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("retry me", ""));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      seen = h.backend.requests();
      assertThat(seen).extracting(FakeCodexBackend.Seen::status).containsExactly(500, 200);
      assertThat(seen.get(0).headers().get("chatgpt-account-id"))
          .isNotEqualTo(seen.get(1).headers().get("chatgpt-account-id"));
    }
    assertThat(h.usageAccounts()).containsExactly(seen.get(1).accountId());
  }

  @Test
  void expiredAccessTokenIsRefreshedBeforeTheRequest() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-old!")) {
      String oldRefresh = h.refreshTokens.get("acct-old");
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("fresh", ""));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(h.issuer.refreshCount()).isEqualTo(1);
      assertThat(h.backend.requests()).extracting(FakeCodexBackend.Seen::status).containsExactly(200);
      String rotated = h.issuer.currentRefreshToken("acct-old");
      assertThat(rotated).isNotEqualTo(oldRefresh);
      assertThat(h.stored("acct-old").tokens().refreshToken()).isEqualTo(rotated);
    }
  }

  @Test
  void noSignedInAccountIsOauthUnavailable() throws Exception {
    try (CodexHarness h = new CodexHarness()) {
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("anyone?", ""));
      assertThat(r.statusCode()).isEqualTo(503);
      JsonNode err = Json.parse(r.body()).path("error");
      assertThat(err.path("code").asText()).isEqualTo("oauth_unavailable");
      assertThat(err.path("message").asText()).isEqualTo("oauth token unavailable, run auth login");
      // the model list still answers, from the built-in list
      HttpResponse<String> models = h.get("/v1/models");
      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(models.body()).contains("gpt-5.3-codex");
    }
  }

  @Test
  void backendRefusalReachesTheClientAsAnError() throws Exception {
    try (CodexHarness h = new CodexHarness("acct-a")) {
      h.backend.failNextWithStatus(400);
      HttpResponse<String> bad = h.post("/v1/responses", "{\"model\":\"gpt-5.3-codex\",\"input\":\"x\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
      JsonNode err = Json.parse(bad.body()).path("error");
      assertThat(err.path("message").asText()).startsWith("Codex backend: ");
      assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(err.path("code").asText()).isEqualTo("upstream_400");
      // the code clients get is one the README's error table lists
      assertThat(Files.readString(Path.of("README.md"))).contains("`" + err.path("code").asText() + "`");
      assertThat(h.backend.requests()).hasSize(1);
    }
  }
}
