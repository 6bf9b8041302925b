package dev.sluice.keys;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.error.GatewayException;
import dev.sluice.storage.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyAuthenticatorTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final String CONFIG_KEY = "config-key-123";
  static final String ADMIN_KEY = "admin-key-456";

  @TempDir
  Path dir;

  Vertx vertx;
  TestDatabases.TestDb db;
  CountingKeyRepository repo;
  KeyService keys;
  final MutableClock clock = new MutableClock(T0);
  final AtomicLong ticker = new AtomicLong();
  KeyAuthenticator auth;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    db = TestDatabases.sqlite(dir);
    repo = new CountingKeyRepository(new JdbcKeyRepository(db.db()));
    keys = new KeyService(repo, clock, new SecureRandom());
    auth = authenticator(keys);
  }

  private KeyAuthenticator authenticator(KeyService service) {
    var settings = new KeyAuthenticator.Settings(CONFIG_KEY, "free", ADMIN_KEY, Duration.ofSeconds(30),
        Duration.ofSeconds(5), Duration.ofHours(1));
    return new KeyAuthenticator(vertx, service, settings, clock, ticker::get);
  }

  @AfterEach
  void tearDown() throws Exception {
    auth.close();
    db.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static Principal ok(Future<Principal> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void rejected(Future<Principal> f) {
    assertThatThrownBy(() -> f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().status()).isEqualTo(401);
          assertThat(e.error().code()).isEqualTo("invalid_api_key");
        });
  }

  private void advance(Duration d) {
    clock.advance(d);
    ticker.addAndGet(d.toNanos());
  }

  @Test
  void configKeyAuthenticatesWithItsPlanWithoutTheDatabase() throws Exception {
    assertThat(ok(auth.authenticate(CONFIG_KEY))).isEqualTo(new Principal("config", "config", "free", Set.of()));
    assertThat(repo.hashLookups).hasValue(0);
  }

  @Test
  void adminKeyMissingAndMalformedKeysAreRejectedWithoutTheDatabase() {
    rejected(auth.authenticate(ADMIN_KEY));
    rejected(auth.authenticate(null));
    rejected(auth.authenticate(""));
    rejected(auth.authenticate("config-key-12"));
    rejected(auth.authenticate("sk-sluice-short"));
    assertThat(repo.hashLookups).hasValue(0);
  }

  @Test
  void adminKeyEqualToTheConfigKeyIsAConfigError() {
    var settings = new KeyAuthenticator.Settings("same", "", "same", Duration.ZERO, Duration.ZERO, Duration.ofHours(1));
    assertThatThrownBy(() -> new KeyAuthenticator(vertx, keys, settings, clock, ticker::get))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.admin_api_key");
  }

  @Test
  void storedKeyIsReadOnceThenServedFromTheCache() throws Exception {
    CreatedKey k = keys.create(new NewKey("ci", List.of("gpt-4o"), "pro", null));

    assertThat(ok(auth.authenticate(k.secret()))).isEqualTo(k.key().principal());
    assertThat(repo.hashLookups).hasValue(1);
    assertThat(ok(auth.authenticate(k.secret())).keyId()).isEqualTo(k.key().id());
    assertThat(repo.hashLookups).hasValue(1);

    advance(Duration.ofSeconds(31));
    ok(auth.authenticate(k.secret()));
    assertThat(repo.hashLookups).hasValue(2);
  }

  @Test
  void unknownKeysAreCachedBriefly() {
    String unknown = "sk-sluice-" + "x".repeat(40);
    rejected(auth.authenticate(unknown));
    rejected(auth.authenticate(unknown));
    assertThat(repo.hashLookups).hasValue(1);

    advance(Duration.ofSeconds(6));
    rejected(auth.authenticate(unknown));
    assertThat(repo.hashLookups).hasValue(2);
  }

  @Test
  void revocationThroughThisProcessTakesEffectAtOnce() throws Exception {
    CreatedKey k = keys.create(new NewKey("ci", List.of(), null, null));
    ok(auth.authenticate(k.secret()));

    keys.revoke(k.key().prefix());
    rejected(auth.authenticate(k.secret()));
  }

  @Test
  void revocationByAnotherProcessIsSeenAfterTheCacheTtl() throws Exception {
    CreatedKey k = keys.create(new NewKey("ci", List.of(), null, null));
    ok(auth.authenticate(k.secret()));

    KeyService otherProcess = new KeyService(new JdbcKeyRepository(db.db()), clock, new SecureRandom());
    otherProcess.revoke(k.key().id());
    ok(auth.authenticate(k.secret()));

    advance(Duration.ofSeconds(31));
    rejected(auth.authenticate(k.secret()));
  }

  @Test
  void rotationRetiresTheOldSecret() throws Exception {
    CreatedKey k = keys.create(new NewKey("ci", List.of(), null, null));
    ok(auth.authenticate(k.secret()));

    CreatedKey rotated = keys.rotate(k.key().id());
    rejected(auth.authenticate(k.secret()));
    assertThat(ok(auth.authenticate(rotated.secret())).keyId()).isEqualTo(k.key().id());
  }

  @Test
  void expiryIsCheckedOnEveryRequestEvenWhenCached() throws Exception {
    CreatedKey k = keys.create(new NewKey("ci", List.of(), null, T0.plusSeconds(10)));
    ok(auth.authenticate(k.secret()));

    clock.advance(Duration.ofSeconds(10));
    rejected(auth.authenticate(k.secret()));
    assertThat(repo.hashLookups).hasValue(1);
  }

  @Test
  void lastUseIsWrittenInBatches() throws Exception {
    CreatedKey a = keys.create(new NewKey("a", List.of(), null, null));
    CreatedKey b = keys.create(new NewKey("b", List.of(), null, null));
    ok(auth.authenticate(a.secret()));
    clock.advance(Duration.ofSeconds(5));
    ok(auth.authenticate(a.secret()));
    ok(auth.authenticate(b.secret()));
    assertThat(keys.list()).allSatisfy(k -> assertThat(k.lastUsedAt()).isNull());

    auth.flushLastUse().await(10, TimeUnit.SECONDS);

    assertThat(keys.list()).extracting(ApiKey::lastUsedAt).containsOnly(T0.plusSeconds(5));
  }

  @Test
  void closeWritesPendingLastUse() throws Exception {
    CreatedKey a = keys.create(new NewKey("a", List.of(), null, null));
    ok(auth.authenticate(a.secret()));
    auth.close();
    assertThat(keys.list().get(0).lastUsedAt()).isEqualTo(T0);
  }
}
