package dev.sluice.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcKeyRepositoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  private static ApiKey key(String id, String prefix, List<String> models, Instant expires) {
    return new ApiKey(id, prefix, "name " + id, "pro", models, T0, expires, null, null);
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void storesAndFindsKeysByHashIdAndPrefix(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      var repo = new JdbcKeyRepository(t.db());
      ApiKey a = key("key_a", "sk-sluice-AAAaaa", List.of("gpt-4o", "o3"), T0.plusSeconds(3600));
      ApiKey b = new ApiKey("key_b", "sk-sluice-AAAbbb", "b", null, List.of(), T0.plusSeconds(1), null, null, null);
      repo.insert(a, "hash-a");
      repo.insert(b, "hash-b");

      assertThat(repo.findByHash("hash-a")).contains(a);
      assertThat(repo.findByHash("hash-b")).contains(b);
      assertThat(repo.findByHash("nope")).isEmpty();
      assertThat(repo.findById("key_b")).contains(b);
      assertThat(repo.findByPrefix("sk-sluice-AAA")).containsExactly(a, b);
      assertThat(repo.findByPrefix("sk-sluice-AAAb")).containsExactly(b);
      assertThat(repo.findByPrefix("sk-sluice-%")).isEmpty();
      assertThat(repo.findByPrefix("sk-sluice-AA_")).isEmpty();
      assertThat(repo.list()).containsExactly(a, b);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void revokeKeepsTheFirstTimeAndRotationReplacesTheHash(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      var repo = new JdbcKeyRepository(t.db());
      repo.insert(key("key_a", "sk-sluice-AAAaaa", List.of(), null), "hash-a");

      assertThat(repo.revoke("key_a", T0.plusSeconds(10))).isTrue();
      assertThat(repo.revoke("key_a", T0.plusSeconds(20))).isTrue();
      assertThat(repo.revoke("key_x", T0)).isFalse();
      assertThat(repo.findById("key_a").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(10));

      assertThat(repo.replaceHash("key_a", "hash-new", "sk-sluice-NEWnew")).isTrue();
      assertThat(repo.findByHash("hash-a")).isEmpty();
      assertThat(repo.findByHash("hash-new").orElseThrow().prefix()).isEqualTo("sk-sluice-NEWnew");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void touchRaisesButNeverLowersLastUse(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      var repo = new JdbcKeyRepository(t.db());
      repo.insert(key("key_a", "sk-sluice-AAAaaa", List.of(), null), "hash-a");
      repo.insert(key("key_b", "sk-sluice-BBBbbb", List.of(), null), "hash-b");

      repo.touch(Map.of("key_a", T0.plusSeconds(60), "key_b", T0.plusSeconds(30)));
      repo.touch(Map.of("key_a", T0.plusSeconds(5)));

      assertThat(repo.findById("key_a").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(60));
      assertThat(repo.findById("key_b").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(30));
    }
  }
}
