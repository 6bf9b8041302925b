package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.accounts.Account;
import dev.sluice.accounts.AccountState;
import dev.sluice.accounts.AccountStore;
import dev.sluice.accounts.Tokens;
import dev.sluice.accounts.oauth.JwtClaims;
import dev.sluice.fake.FakeCodexBackend;
import dev.sluice.fake.FakeOAuthIssuer;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.storage.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ChatGPT accounts in the PostgreSQL database, shared by three {@code sluice serve} processes: the
 * account's access token has expired and 90 requests arrive at once over the three; one instance
 * refreshes (holding the account's lease), the others wait and use its new token. The fake issuer
 * rotates refresh tokens and refuses a reused one, so a second refresh would lose the account. And a
 * usage limit one instance runs into, or a usage window it sees full, rests the account on the
 * others, and a session bound to an account on one instance uses it on the others too.
 */
class AccountsAcrossInstancesTest {
  static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(new byte[32]);
  static final String CHAT = "{\"model\":\"gpt-5.3-codex\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String ACCOUNT = "acct-shared";

  @TempDir
  Path dir;

  @Test
  void ninetyRequestsOverThreeInstancesWithAnExpiredAccessTokenCauseExactlyOneRefresh() throws Exception {
    try (FakeOAuthIssuer issuer = FakeOAuthIssuer.start(Clock.systemUTC());
         FakeCodexBackend backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
         TestDatabases.TestDb db = TestDatabases.postgres()) {
      Path accountsDir = Files.createDirectories(dir.resolve("accounts"));
      AccountStore store = AccountStore.shared(accountsDir, ENCRYPTION_KEY, db.db(), false, Duration.ofSeconds(10));
      issuer.accessTtl(Duration.ofSeconds(-60));
      FakeOAuthIssuer.Issued t = issuer.issue(new FakeOAuthIssuer.Identity(ACCOUNT, "shared@example.com", "plus"));
      issuer.accessTtl(Duration.ofHours(1));
      Instant now = Instant.now();
      store.save(Account.fromTokens(new Tokens(t.idToken(), t.accessToken(), t.refreshToken(),
          JwtClaims.parse(t.accessToken()).expiresAt(), now), null, now));
      CreatedKey key = KeyService.create(db.db()).create(new NewKey("codex-user", List.of(), null, null));

      try (Cluster cluster = Cluster.start(dir, 3, config(db, backend, issuer, accountsDir))) {
        // the first refresh is held until all 90 requests are in, so that the instances contend for it
        CompletableFuture<Void> gate = issuer.holdRefreshes();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
          sent.add(cluster.post(i % 3, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret()));
        }
        while (issuer.refreshCount() == 0) {
          Thread.sleep(20);
        }
        Thread.sleep(1000);
        gate.complete(null);
        List<HttpResponse<String>> all;
        try {
          all = sent.stream().map(CompletableFuture::join).toList();
        } catch (RuntimeException e) {
          throw new AssertionError("output " + cluster.output(), e);
        }
        Map<Integer, Long> byStatus = all.stream().collect(Collectors.groupingBy(HttpResponse::statusCode,
            Collectors.counting()));
        assertThat(byStatus).as("statuses; output %s", GracefulShutdownTest.tail(cluster.output()))
            .isEqualTo(Map.of(200, 90L));
        assertThat(issuer.refreshCount()).as("refreshes at the issuer").isEqualTo(1);

        Account after = store.load(ACCOUNT).orElseThrow();
        assertThat(after.state()).isEqualTo(AccountState.ACTIVE);
        assertThat(after.tokens().refreshToken()).as("the rotated refresh token was stored")
            .isEqualTo(issuer.currentRefreshToken(ACCOUNT)).isNotEqualTo(t.refreshToken());
        assertThat(issuer.isValidAccessToken(after.tokens().accessToken())).isTrue();
      }
    }
  }

  @Test
  void aUsageLimitOneInstanceRunsIntoRestsTheAccountOnTheOthers() throws Exception {
    try (FakeOAuthIssuer issuer = FakeOAuthIssuer.start(Clock.systemUTC());
         FakeCodexBackend backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
         TestDatabases.TestDb db = TestDatabases.postgres()) {
      Path accountsDir = Files.createDirectories(dir.resolve("accounts"));
      AccountStore store = AccountStore.shared(accountsDir, ENCRYPTION_KEY, db.db(), false, Duration.ofSeconds(10));
      signIn(store, issuer, "acct-a", "acct-b");
      CreatedKey key = KeyService.create(db.db()).create(new NewKey("codex-user", List.of(), null, null));
      try (Cluster cluster = Cluster.start(dir, 2, config(db, backend, issuer, accountsDir))) {
        backend.exhaust("acct-a", 300);
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = cluster.post(0, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret())
              .join();
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(backend.requests()).as("instance 0 ran into acct-a's usage limit")
            .anySatisfy(seen -> {
              assertThat(seen.accountId()).isEqualTo("acct-a");
              assertThat(seen.status()).isEqualTo(429);
            });

        Thread.sleep(1000);
        int before = backend.requests().size();
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> r = cluster.post(1, "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key.secret())
              .join();
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        List<FakeCodexBackend.Seen> onInstance1 = backend.requests().subList(before, backend.requests().size());
        assertThat(onInstance1).as("instance 1 never tries the resting account")
            .extracting(FakeCodexBackend.Seen::accountId).containsOnly("acct-b");
      }
    }
  }

  @Test
  void aSessionKeepsItsAccountOnEveryInstance() throws Exception {
    try (FakeOAuthIssuer issuer = FakeOAuthIssuer.start(Clock.systemUTC());
         FakeCodexBackend backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
         TestDatabases.TestDb db = TestDatabases.postgres()) {
      Path accountsDir = Files.createDirectories(dir.resolve("accounts"));
      AccountStore store = AccountStore.shared(accountsDir, ENCRYPTION_KEY, db.db(), false, Duration.ofSeconds(10));
      signIn(store, issuer, "acct-a", "acct-b");
      CreatedKey key = KeyService.create(db.db()).create(new NewKey("codex-user", List.of(), null, null));
      try (Cluster cluster = Cluster.start(dir, 2, config(db, backend, issuer, accountsDir))) {
        // instance 0 binds both sessions (to different accounts: the second goes to the account picked
        // less recently); instance 1, left to itself, would put its first session on acct-a
        chat(cluster, 0, "session-one", key);
        chat(cluster, 0, "session-two", key);
        Map<String, String> boundOn0 = accountsBySession(backend);
        assertThat(boundOn0.values()).as("two sessions on instance 0").doesNotHaveDuplicates().hasSize(2);

        Thread.sleep(1000); // bindings reach the other instances within a second
        int before = backend.requests().size();
        for (int i = 0; i < 3; i++) {
          chat(cluster, 1, "session-two", key);
          chat(cluster, 0, "session-two", key);
          chat(cluster, 1, "session-one", key);
          chat(cluster, 0, "session-one", key);
        }
        List<FakeCodexBackend.Seen> later = backend.requests().subList(before, backend.requests().size());
        assertThat(later).hasSize(12);
        assertThat(later).as("each session stays on the account instance 0 bound it to; output %s",
                GracefulShutdownTest.tail(cluster.output()))
            .allSatisfy(seen -> assertThat(seen.accountId())
                .isEqualTo(boundOn0.get(seen.headers().get("session_id"))));
      }
    }
  }

  @Test
  void aUsageWindowOneInstanceSeesFullRestsTheAccountOnTheOthers() throws Exception {
    try (FakeOAuthIssuer issuer = FakeOAuthIssuer.start(Clock.systemUTC());
         FakeCodexBackend backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
         TestDatabases.TestDb db = TestDatabases.postgres()) {
      Path accountsDir = Files.createDirectories(dir.resolve("accounts"));
      AccountStore store = AccountStore.shared(accountsDir, ENCRYPTION_KEY, db.db(), false, Duration.ofSeconds(10));
      signIn(store, issuer, "acct-a", "acct-b");
      CreatedKey key = KeyService.create(db.db()).create(new NewKey("codex-user", List.of(), null, null));
      try (Cluster cluster = Cluster.start(dir, 2, config(db, backend, issuer, accountsDir))) {
        // the answer on instance 0 (acct-a: both accounts are fresh) reports its 5 h window at 100%
        backend.streamedPrimaryUsed(100);
        chat(cluster, 0, "session-full", key);
        backend.streamedPrimaryUsed(13);
        assertThat(backend.last().accountId()).isEqualTo("acct-a");

        Thread.sleep(1000);
        int before = backend.requests().size();
        for (int i = 0; i < 4; i++) {
          chat(cluster, 1, "session-" + i, key);
        }
        assertThat(backend.requests().subList(before, backend.requests().size()))
            .as("instance 1 never tries the account whose window is full")
            .extracting(FakeCodexBackend.Seen::accountId).containsOnly("acct-b");
      }
    }
  }

  private static void signIn(AccountStore store, FakeOAuthIssuer issuer, String... ids) {
    for (String id : ids) {
      FakeOAuthIssuer.Issued t = issuer.issue(new FakeOAuthIssuer.Identity(id, id + "@example.com", "plus"));
      Instant now = Instant.now();
      store.save(Account.fromTokens(new Tokens(t.idToken(), t.accessToken(), t.refreshToken(),
          JwtClaims.parse(t.accessToken()).expiresAt(), now), null, now));
    }
  }

  private static void chat(Cluster cluster, int node, String session, CreatedKey key) {
    HttpResponse<String> r = cluster.post(node, "/v1/chat/completions", CHAT, "Authorization",
        "Bearer " + key.secret(), "session_id", session).join();
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** The account each session's requests went to, from what the backend saw (one account per session). */
  private static Map<String, String> accountsBySession(FakeCodexBackend backend) {
    return backend.requests().stream().collect(Collectors.toMap(s -> s.headers().get("session_id"),
        FakeCodexBackend.Seen::accountId));
  }

  private static String config(TestDatabases.TestDb db, FakeCodexBackend backend, FakeOAuthIssuer issuer,
                               Path accountsDir) {
    return """
        server:
          listen: "127.0.0.1:0"
        storage:
          url: "%s"
          username: "%s"
        upstream:
          mode: codex_oauth
          codex_base_url: "%s"
          timeout_seconds: 20
        oauth:
          issuer: "%s"
        accounts:
          dir: "%s"
          encryption_key: "%s"
        """.formatted(db.url(), db.username(), backend.baseUrl(), issuer.issuer(), accountsDir, ENCRYPTION_KEY);
  }
}
