package dev.sluice.provider.codex;

import dev.sluice.Wiring;
import dev.sluice.accounts.Account;
import dev.sluice.accounts.AccountStore;
import dev.sluice.accounts.Tokens;
import dev.sluice.accounts.oauth.JwtClaims;
import dev.sluice.config.Config;
import dev.sluice.fake.FakeCodexBackend;
import dev.sluice.fake.FakeOAuthIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice in codex_oauth mode (wired as {@code sluice serve} does) in front of a fake Codex backend and
 * a fake ChatGPT sign-in service, with accounts signed in through the fake issuer and stored in a
 * temporary accounts dir before start.
 */
final class CodexHarness implements AutoCloseable {
  static final String KEY = "sk-test-downstream-key-0123456789";
  static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(new byte[32]);

  final FakeOAuthIssuer issuer = FakeOAuthIssuer.start(Clock.systemUTC());
  final FakeCodexBackend backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
  final Path accountsDir;
  final Path db;
  final Map<String, String> refreshTokens = new HashMap<>();
  final Map<String, String> accessTokens = new HashMap<>();
  final Wiring sluice;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param accountIds accounts to sign in; an id ending in "!" gets an already expired access token
   */
  CodexHarness(List<String> accountIds, String extraYaml) {
    try {
      accountsDir = Files.createTempDirectory("sluice-accounts");
      db = Files.createTempDirectory("sluice-test").resolve("sluice.db");
      AccountStore store = AccountStore.open(accountsDir, ENCRYPTION_KEY);
      for (String spec : accountIds) {
        boolean expired = spec.endsWith("!");
        String id = expired ? spec.substring(0, spec.length() - 1) : spec;
        issuer.accessTtl(expired ? Duration.ofSeconds(-60) : Duration.ofHours(1));
        FakeOAuthIssuer.Issued t = issuer.issue(new FakeOAuthIssuer.Identity(id, id + "@example.com", "plus"));
        Instant now = Instant.now();
        Tokens tokens = new Tokens(t.idToken(), t.accessToken(), t.refreshToken(),
            JwtClaims.parse(t.accessToken()).expiresAt(), now);
        store.save(Account.fromTokens(tokens, null, now));
        refreshTokens.put(id, t.refreshToken());
        accessTokens.put(id, t.accessToken());
      }
      issuer.accessTtl(Duration.ofHours(1));
      String yaml = """
          server:
            listen: "127.0.0.1:0"
          auth:
            downstream_api_key: "%s"
          storage:
            url: "jdbc:sqlite:%s"
          upstream:
            mode: codex_oauth
            codex_base_url: "%s"
            timeout_seconds: 5
          oauth:
            issuer: "%s"
          accounts:
            dir: "%s"
            encryption_key: "%s"
          """.formatted(KEY, db, backend.baseUrl(), issuer.issuer(), accountsDir, ENCRYPTION_KEY);
      sluice = Wiring.start(Config.fromYaml(Map.of(), yaml, extraYaml)).await();
    } catch (Exception e) {
      close();
      throw new IllegalStateException(e);
    }
  }

  CodexHarness(String... accountIds) {
    this(List.of(accountIds), "");
  }

  String baseUrl() {
    return "http://127.0.0.1:" + sluice.port();
  }

  Account stored(String id) {
    return AccountStore.open(accountsDir, ENCRYPTION_KEY).load(id).orElseThrow();
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code account} column of every usage record, oldest first (call after {@link #close}). */
  List<String> usageAccounts() throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
         var rs = c.createStatement().executeQuery("SELECT account FROM usage_records ORDER BY time_ms")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (sluice != null) {
      sluice.close();
    }
    backend.close();
    issuer.close();
  }
}
