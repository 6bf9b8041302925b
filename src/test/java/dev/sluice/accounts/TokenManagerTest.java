package dev.sluice.accounts;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.accounts.oauth.OAuthClient;
import dev.sluice.accounts.oauth.OAuthSettings;
import dev.sluice.config.Config;
import dev.sluice.fake.FakeOAuthIssuer;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenManagerTest {
  private static final byte[] KEY = new byte[32];
  private static final String ID = "acct-1111";

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
  private FakeOAuthIssuer issuer;
  private OAuthClient oauth;
  private AccountStore store;
  private AccountRegistry registry;
  private TokenManager tokens;
  private FakeOAuthIssuer.Issued issued;

  @BeforeEach
  void setUp() {
    issuer = FakeOAuthIssuer.start(clock);
    Config cfg = Config.fromYaml("oauth: {issuer: \"" + issuer.issuer() + "\"}", Map.of());
    oauth = new OAuthClient(OAuthSettings.fromConfig(cfg), HttpClient.newHttpClient(), Duration.ofSeconds(10));
    store = new AccountStore(dir, KEY);
    issued = issuer.issue(new FakeOAuthIssuer.Identity(ID, "ada@example.com", "plus"));
    Account a = Account.signedIn(new dev.sluice.accounts.oauth.TokenResponse(issued.idToken(), issued.accessToken(),
        issued.refreshToken(), 3600L), clock.instant());
    store.save(a);
    registry = new AccountRegistry(store.loadAll());
    tokens = manager(registry, store);
  }

  private TokenManager manager(AccountRegistry reg, AccountStore st) {
    return new TokenManager(reg, st, oauth, clock, io, Duration.ofMinutes(5), Duration.ofDays(8));
  }

  @AfterEach
  void tearDown() {
    issuer.close();
    io.shutdownNow();
  }

  @Test
  void freshTokenIsReturnedWithoutRefreshing() throws Exception {
    AccessToken t = tokens.token(ID).get(10, TimeUnit.SECONDS);
    assertThat(t.value()).isEqualTo(issued.accessToken());
    assertThat(t.accountId()).isEqualTo(ID);
    assertThat(issuer.refreshCount()).isZero();
  }

  @Test
  void refreshesAheadOfExpiry() throws Exception {
    clock.advance(Duration.ofMinutes(54));
    assertThat(tokens.token(ID).get(10, TimeUnit.SECONDS).value()).isEqualTo(issued.accessToken());
    clock.advance(Duration.ofMinutes(2));
    AccessToken t = tokens.token(ID).get(10, TimeUnit.SECONDS);
    assertThat(t.value()).isNotEqualTo(issued.accessToken());
    assertThat(issuer.isValidAccessToken(t.value())).isTrue();
    assertThat(t.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(issuer.refreshCount()).isEqualTo(1);
  }

  @Test
  void refreshesTokensOlderThanTheMaximumAgeEvenIfNotExpiring() throws Exception {
    issuer.accessTtl(Duration.ofDays(30));
    FakeOAuthIssuer.Issued longLived = issuer.issue(new FakeOAuthIssuer.Identity(ID, "ada@example.com", "plus"));
    Account a = registry.get(ID).orElseThrow();
    Account updated = a.withTokens(new Tokens(longLived.idToken(), longLived.accessToken(), longLived.refreshToken(),
        clock.instant().plus(Duration.ofDays(30)), clock.instant()), clock.instant());
    store.save(updated);
    registry.put(updated);
    clock.advance(Duration.ofDays(7));
    tokens.token(ID).get(10, TimeUnit.SECONDS);
    assertThat(issuer.refreshCount()).isZero();
    clock.advance(Duration.ofDays(2));
    tokens.token(ID).get(10, TimeUnit.SECONDS);
    assertThat(issuer.refreshCount()).isEqualTo(1);
  }

  @Test
  void concurrentCallersShareOneRefresh() throws Exception {
    clock.advance(Duration.ofHours(2));
    CompletableFuture<Void> gate = issuer.holdRefreshes();
    List<CompletableFuture<AccessToken>> calls = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      calls.add(tokens.token(ID));
    }
    calls.add(tokens.refreshAfter401(ID, issued.accessToken()));
    gate.complete(null);
    Set<String> values = new java.util.HashSet<>();
    for (CompletableFuture<AccessToken> c : calls) {
      values.add(c.get(10, TimeUnit.SECONDS).value());
    }
    assertThat(values).hasSize(1);
    assertThat(issuer.refreshCount()).isEqualTo(1);
    assertThat(issuer.isValidAccessToken(values.iterator().next())).isTrue();
  }

  @Test
  void rotatedRefreshTokenIsPersistedBeforeTheNewAccessTokenIsHandedOut() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    AccountStore recording = new AccountStore(dir, KEY) {
      @Override
      public void save(Account account) {
        events.add("save rt=" + account.tokens().refreshToken() + " registryStillOld="
            + registry.get(ID).orElseThrow().tokens().accessToken().equals(issued.accessToken()));
        super.save(account);
      }
    };
    TokenManager tm = manager(registry, recording);
    clock.advance(Duration.ofHours(2));
    AccessToken t = tm.token(ID).get(10, TimeUnit.SECONDS);
    String rotated = issuer.currentRefreshToken(ID);
    assertThat(rotated).isNotEqualTo(issued.refreshToken());
    assertThat(events).containsExactly("save rt=" + rotated + " registryStillOld=true");
    Account onDisk = new AccountStore(dir, KEY).load(ID).orElseThrow();
    assertThat(onDisk.tokens().refreshToken()).isEqualTo(rotated);
    assertThat(onDisk.tokens().accessToken()).isEqualTo(t.value());
  }

  @Test
  void keepsTheOldRefreshTokenWhenTheAnswerOmitsIt() throws Exception {
    issuer.omitRotatedRefreshToken(true);
    clock.advance(Duration.ofHours(2));
    tokens.token(ID).get(10, TimeUnit.SECONDS);
    assertThat(store.load(ID).orElseThrow().tokens().refreshToken()).isEqualTo(issued.refreshToken());
    assertThat(store.load(ID).orElseThrow().tokens().idToken()).isNotNull();
  }

  @Test
  void reusedRefreshTokenMarksTheAccountForSignInAndStopsRetrying() throws Exception {
    issuer.rotateBehindTheBack(ID);
    clock.advance(Duration.ofHours(2));
    TokenException e = failure(tokens.token(ID));
    assertThat(e.kind()).isEqualTo(TokenException.Kind.SIGN_IN_REQUIRED);
    assertThat(e.reason()).isEqualTo("refresh_token_reused");
    assertThat(e.apiError().code()).isEqualTo("oauth_unavailable");
    assertThat(e.apiError().status()).isEqualTo(503);
    assertThat(e.getMessage()).doesNotContain(issued.refreshToken()).contains("sign in again");
    assertThat(registry.get(ID).orElseThrow().state()).isEqualTo(AccountState.NEEDS_SIGN_IN);
    Account onDisk = new AccountStore(dir, KEY).load(ID).orElseThrow();
    assertThat(onDisk.state()).isEqualTo(AccountState.NEEDS_SIGN_IN);
    assertThat(onDisk.stateReason()).isEqualTo("refresh_token_reused");

    assertThat(failure(tokens.token(ID)).kind()).isEqualTo(TokenException.Kind.SIGN_IN_REQUIRED);
    assertThat(failure(tokens.refreshAfter401(ID, issued.accessToken())).kind())
        .isEqualTo(TokenException.Kind.SIGN_IN_REQUIRED);
    assertThat(issuer.refreshCount()).isEqualTo(1);

    AccountPool pool = new AccountPool(registry, clock, PoolSettings.defaults());
    AccountPool.Unavailable none = (AccountPool.Unavailable) pool.select("s", Set.of());
    assertThat(none.error().code()).isEqualTo("oauth_unavailable");
  }

  @ParameterizedTest
  @ValueSource(strings = {"expired", "revoked"})
  void deadRefreshTokensMeanSignInAgain(String how) throws Exception {
    if (how.equals("expired")) {
      clock.advance(Duration.ofDays(31));
    } else {
      issuer.revoke(ID);
      clock.advance(Duration.ofHours(2));
    }
    TokenException e = failure(tokens.token(ID));
    assertThat(e.kind()).isEqualTo(TokenException.Kind.SIGN_IN_REQUIRED);
    assertThat(e.reason()).isEqualTo(how.equals("expired") ? "refresh_token_expired" : "refresh_token_invalidated");
  }

  @Test
  void issuerOutageIsTransientAndKeepsTheAccount() throws Exception {
    issuer.failRefreshesWith(503);
    clock.advance(Duration.ofHours(2));
    TokenException e = failure(tokens.token(ID));
    assertThat(e.kind()).isEqualTo(TokenException.Kind.TRANSIENT);
    assertThat(registry.get(ID).orElseThrow().state()).isEqualTo(AccountState.ACTIVE);
    issuer.failRefreshesWith(0);
    assertThat(issuer.isValidAccessToken(tokens.token(ID).get(10, TimeUnit.SECONDS).value())).isTrue();
  }

  @Test
  void refreshAfter401RefreshesOnlyWhenTheRejectedTokenIsCurrent() throws Exception {
    AccessToken fresh = tokens.refreshAfter401(ID, issued.accessToken()).get(10, TimeUnit.SECONDS);
    assertThat(fresh.value()).isNotEqualTo(issued.accessToken());
    assertThat(issuer.refreshCount()).isEqualTo(1);
    AccessToken same = tokens.refreshAfter401(ID, issued.accessToken()).get(10, TimeUnit.SECONDS);
    assertThat(same.value()).isEqualTo(fresh.value());
    assertThat(issuer.refreshCount()).isEqualTo(1);
  }

  @Test
  void usesTokensAnotherProcessRefreshedInsteadOfReusingAStaleRefreshToken() throws Exception {
    AccountRegistry otherRegistry = new AccountRegistry(store.loadAll());
    TokenManager other = manager(otherRegistry, new AccountStore(dir, KEY));
    clock.advance(Duration.ofHours(2));
    AccessToken byOther = other.token(ID).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(1));
    AccessToken mine = tokens.token(ID).get(10, TimeUnit.SECONDS);
    assertThat(mine.value()).isEqualTo(byOther.value());
    assertThat(issuer.refreshCount()).isEqualTo(1);
    assertThat(registry.get(ID).orElseThrow().state()).isEqualTo(AccountState.ACTIVE);
  }

  @Test
  void unknownAccountFails() {
    assertThat(failure(tokens.token("nope")).kind()).isEqualTo(TokenException.Kind.UNKNOWN_ACCOUNT);
  }

  private static TokenException failure(CompletableFuture<AccessToken> f) {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(TokenException.class);
      return (TokenException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void tokenFailureMessagesNeverHoldTokens() {
    issuer.rotateBehindTheBack(ID);
    clock.advance(Duration.ofHours(2));
    assertThatThrownBy(() -> tokens.token(ID).get(10, TimeUnit.SECONDS))
        .hasMessageNotContaining(issued.refreshToken()).hasMessageNotContaining(issued.accessToken());
  }
}
