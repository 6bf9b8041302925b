package dev.sluice.keys;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.GatewayException;
import dev.sluice.storage.Database;
import dev.sluice.storage.Jdbc;
import dev.sluice.storage.TestDatabases;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyServiceTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  final MutableClock clock = new MutableClock(T0);

  private KeyService service(Database db) {
    return new KeyService(new JdbcKeyRepository(db), clock, new SecureRandom());
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void createdKeyIsShownOnceAndStoredOnlyAsItsHash(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      KeyService keys = service(t.db());
      CreatedKey created = keys.create(new NewKey(" ci ", List.of("gpt-4o,o3", "gpt-4o"), "pro", T0.plusSeconds(60)));

      assertThat(created.secret()).matches("sk-sluice-[0-9A-Za-z]{40}");
      assertThat(created.toString()).doesNotContain(created.secret());
      ApiKey k = created.key();
      assertThat(k.id()).startsWith("key_");
      assertThat(k.prefix()).isEqualTo(created.secret().substring(0, 16));
      assertThat(k.name()).isEqualTo("ci");
      assertThat(k.models()).containsExactly("gpt-4o", "o3");
      assertThat(k.principal()).isEqualTo(new Principal(k.id(), "ci", "pro", java.util.Set.of("gpt-4o", "o3")));

      List<String> cells = allCells(t.db());
      assertThat(cells).doesNotContain(created.secret());
      assertThat(cells).contains(KeyService.hash(created.secret()));
      assertThat(keys.findByHash(KeyService.hash(created.secret()))).contains(k);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void resolvesByIdPrefixOrFullKey(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      KeyService keys = service(t.db());
      CreatedKey a = keys.create(new NewKey("a", List.of(), null, null));
      keys.create(new NewKey("b", List.of(), null, null));

      assertThat(keys.resolve(a.key().id())).isEqualTo(a.key());
      assertThat(keys.resolve(a.key().prefix())).isEqualTo(a.key());
      assertThat(keys.resolve(a.key().prefix() + "…")).isEqualTo(a.key());
      assertThat(keys.resolve(a.secret())).isEqualTo(a.key());
      assertThat(keys.resolve("a")).isEqualTo(a.key());
      assertThatThrownBy(() -> keys.resolve("sk-sluice-"))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().status()).isIn(400, 404));
      assertThatThrownBy(() -> keys.resolve("key_nope"))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().status()).isEqualTo(404));
    }
  }

  @Test
  void ambiguousPrefixIsRejected() {
    try (var t = TestDatabases.sqlite(dir)) {
      var repo = new JdbcKeyRepository(t.db());
      repo.insert(new ApiKey("key_1", "sk-sluice-ABCdef", "1", null, List.of(), T0, null, null, null), "h1");
      repo.insert(new ApiKey("key_2", "sk-sluice-ABCxyz", "2", null, List.of(), T0, null, null, null), "h2");
      KeyService keys = new KeyService(repo, clock, new SecureRandom());
      assertThatThrownBy(() -> keys.resolve("sk-sluice-ABC"))
          .isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("matches 2 keys");
          });
      assertThat(keys.resolve("sk-sluice-ABCx").id()).isEqualTo("key_2");
      repo.insert(new ApiKey("key_3", "sk-sluice-XYZxyz", "2", null, List.of(), T0, null, null, null), "h3");
      assertThat(keys.resolve("1").id()).isEqualTo("key_1");
      assertThatThrownBy(() -> keys.resolve("2"))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage()).contains("matches 2 keys"));
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void revokeAndRotate(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      KeyService keys = service(t.db());
      List<String> changed = new ArrayList<>();
      keys.onChange(changed::add);
      CreatedKey a = keys.create(new NewKey("a", List.of("m"), "pro", null));

      CreatedKey rotated = keys.rotate(a.key().prefix());
      assertThat(rotated.secret()).isNotEqualTo(a.secret()).matches("sk-sluice-[0-9A-Za-z]{40}");
      assertThat(rotated.key().id()).isEqualTo(a.key().id());
      assertThat(rotated.key().plan()).isEqualTo("pro");
      assertThat(rotated.key().models()).containsExactly("m");
      assertThat(keys.findByHash(KeyService.hash(a.secret()))).isEmpty();
      assertThat(keys.findByHash(KeyService.hash(rotated.secret()))).isPresent();

      clock.advance(Duration.ofMinutes(1));
      ApiKey revoked = keys.revoke(a.key().id());
      assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(60));
      assertThat(revoked.activeAt(clock.instant())).isFalse();
      assertThat(revoked.status(clock.instant())).isEqualTo("revoked");
      assertThat(changed).containsExactly(a.key().id(), a.key().id());
      assertThatThrownBy(() -> keys.rotate(a.key().id())).isInstanceOf(GatewayException.class);
    }
  }

  @Test
  void validatesInput() {
    try (var t = TestDatabases.sqlite(dir)) {
      KeyService keys = service(t.db());
      assertThatThrownBy(() -> keys.create(new NewKey(" ", List.of(), null, null)))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo("name"));
      assertThatThrownBy(() -> keys.create(new NewKey("x", List.of(), null, T0.minusSeconds(1))))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo("expires_at"));
    }
  }

  @Test
  void expiryFormats() {
    assertThat(NewKey.parseExpiry("2026-12-31", clock)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(NewKey.parseExpiry("2026-12-31T12:00:00Z", clock)).isEqualTo(Instant.parse("2026-12-31T12:00:00Z"));
    assertThat(NewKey.parseExpiry("30d", clock)).isEqualTo(T0.plus(Duration.ofDays(30)));
    assertThat(NewKey.parseExpiry(" ", clock)).isNull();
    assertThatThrownBy(() -> NewKey.parseExpiry("tomorrow", clock)).isInstanceOf(GatewayException.class);
  }

  @Test
  void keyShape() {
    assertThat(KeyService.looksLikeKey("sk-sluice-" + "a".repeat(40))).isTrue();
    assertThat(KeyService.looksLikeKey("sk-sluice-" + "a".repeat(39))).isFalse();
    assertThat(KeyService.looksLikeKey("sk-sluice-" + "a".repeat(39) + "-")).isFalse();
    assertThat(KeyService.looksLikeKey("sk-other--" + "a".repeat(40))).isFalse();
  }

  static List<String> allCells(Database db) {
    return Jdbc.run(db, "dump", c -> {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM api_keys")) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            out.add(String.valueOf(rs.getObject(i)));
          }
        }
      }
      return out;
    });
  }
}
