package dev.sluice.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.accounts.oauth.OAuthClient;
import dev.sluice.accounts.oauth.OAuthSettings;
import dev.sluice.accounts.oauth.TokenResponse;
import dev.sluice.config.Config;
import dev.sluice.fake.FakeOAuthIssuer;
import dev.sluice.storage.TestDatabases;
import dev.sluice.testing.MutableClock;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances' token managers on one PostgreSQL account store: when one instance's refresh holds
 * the account's lock longer than the other may wait, the other must not refresh from its own memory
 * (that would spend the rotated refresh token twice and lose the account).
 */
class SharedTokenRefreshTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String ID = "acct-shared-1";

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
  private FakeOAuthIssuer issuer;
  private TestDatabases.TestDb testDb;
  private AccountStore storeA;
  private AccountStore storeB;

  @BeforeEach
  void setUp() {
    testDb = TestDatabases.postgres();
    issuer = FakeOAuthIssuer.start(clock);
    Duration lockWait = Duration.ofMillis(300);
    storeA = AccountStore.shared(dir.resolve("a"), KEY, testDb.db(), false, lockWait);
    storeB = AccountStore.shared(dir.resolve("b"), KEY, testDb.db(), false, lockWait);
  }

  @AfterEach
  void tearDown() {
    issuer.close();
    io.shutdownNow();
    if (testDb != null) {
      testDb.close();
    }
  }

  private TokenManager manager(AccountStore store) {
    Config cfg = Config.fromYaml("oauth: {issuer: \"" + issuer.issuer() + "\"}", Map.of());
    OAuthClient oauth = new OAuthClient(OAuthSettings.fromConfig(cfg), HttpClient.newHttpClient(), Duration.ofSeconds(10));
    return new TokenManager(new AccountRegistry(store.loadAll()), store, oauth, clock, io,
        Duration.ofMinutes(5), Duration.ofDays(8));
  }

  @Test
  void anInstanceThatCannotGetTheLockDoesNotRefreshOnItsOwn() throws Exception {
    FakeOAuthIssuer.Issued issued = issuer.issue(new FakeOAuthIssuer.Identity(ID, "ada@example.com", "plus"));
    storeA.save(Account.signedIn(new TokenResponse(issued.idToken(), issued.accessToken(), issued.refreshToken(),
        3600L), clock.instant()));
    TokenManager a = manager(storeA);
    TokenManager b = manager(storeB);
    clock.advance(Duration.ofHours(2));

    CompletableFuture<Void> gate = issuer.holdRefreshes();
    CompletableFuture<AccessToken> first = a.token(ID);
    // A holds the row lock while the issuer holds its refresh; B waits 300 ms for the lock, then gives up
    Thread.sleep(200);
    CompletableFuture<AccessToken> second = b.token(ID);
    ExecutionException failed = null;
    try {
      second.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      failed = e;
    }
    assertThat(failed).as("B's token call while A refreshes").isNotNull();
    assertThat(failed.getCause()).isInstanceOfSatisfying(TokenException.class,
        t -> assertThat(t.kind()).isEqualTo(TokenException.Kind.TRANSIENT));
    gate.complete(null);

    String refreshed = first.get(10, TimeUnit.SECONDS).value();
    assertThat(issuer.isValidAccessToken(refreshed)).isTrue();
    // B now uses the tokens A stored instead of refreshing again
    assertThat(b.token(ID).get(10, TimeUnit.SECONDS).value()).isEqualTo(refreshed);
    assertThat(issuer.refreshCount()).isEqualTo(1);
    assertThat(storeB.load(ID).orElseThrow().active()).isTrue();
  }

  @Test
  void aRowSealedWithAnotherKeyIsSkippedNotFatal() {
    FakeOAuthIssuer.Issued issued = issuer.issue(new FakeOAuthIssuer.Identity(ID, "ada@example.com", "plus"));
    storeA.save(Account.signedIn(new TokenResponse(issued.idToken(), issued.accessToken(), issued.refreshToken(),
        3600L), clock.instant()));
    byte[] other = new byte[32];
    other[0] = 1;
    AccountStore foreign = AccountStore.shared(dir.resolve("c"), Base64.getEncoder().encodeToString(other),
        testDb.db(), false, Duration.ofSeconds(1));
    FakeOAuthIssuer.Issued second = issuer.issue(new FakeOAuthIssuer.Identity("acct-other", "bo@example.com", "plus"));
    foreign.save(Account.signedIn(new TokenResponse(second.idToken(), second.accessToken(), second.refreshToken(),
        3600L), clock.instant()));

    assertThat(storeA.loadAll()).extracting(Account::id).containsExactly(ID);
    assertThat(foreign.loadAll()).extracting(Account::id).containsExactly("acct-other");
  }
}
