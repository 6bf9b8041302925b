package dev.sluice.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Records written several rows to a statement come back one row each, every column as it was given. */
class JdbcUsageStoreTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void everyRecordOfABatchIsOneRowWithItsOwnValues(Database.Dialect dialect) throws Exception {
    int n = JdbcUsageStore.ROWS_PER_INSERT * 2 + 23; // two full statements and a shorter one
    Instant t0 = Instant.parse("2026-12-03T23:59:59.500Z");
    List<UsageRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(new UsageRecord(t0.plusMillis(i * 10L), "req_%04d".formatted(i), i % 3 == 0 ? null : "key_" + i,
          "/v1/chat/completions", "model-" + i + (i == 7 ? "\u0000x" : ""), i % 2 == 0 ? "openai" : null,
          i % 5 == 0 ? "acct-" + i : null, i, 2L * i, 3L * i, 4L * i, 5L * i, 200 + i % 300,
          i % 4 == 0 ? "upstream_" + i : null, "up-" + i, 1 + i % 3));
    }
    try (var t = TestDatabases.open(dialect, dir)) {
      new JdbcUsageStore(t.db()).insert(records);
      try (Connection c = t.db().connection();
           ResultSet rs = c.createStatement().executeQuery("SELECT time_ms, day, request_id, key_id, endpoint, model, "
               + "upstream, account, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, latency_ms, "
               + "status, error_code, upstream_model, attempts FROM usage_records ORDER BY request_id")) {
        int i = 0;
        while (rs.next()) {
          UsageRecord r = records.get(i);
          assertThat(rs.getLong(1)).isEqualTo(r.time().toEpochMilli());
          assertThat(rs.getString(2)).isEqualTo(r.time().toString().substring(0, 10));
          assertThat(rs.getString(3)).isEqualTo(r.requestId());
          assertThat(rs.getString(4)).isEqualTo(r.keyId());
          assertThat(rs.getString(5)).isEqualTo(r.endpoint());
          assertThat(rs.getString(6)).isEqualTo(i == 7 ? "model-7\uFFFDx" : r.model());
          assertThat(rs.getString(7)).isEqualTo(r.upstream());
          assertThat(rs.getString(8)).isEqualTo(r.account());
          assertThat(List.of(rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13)))
              .containsExactly(r.promptTokens(), r.completionTokens(), r.cachedTokens(), r.reasoningTokens(),
                  r.latencyMillis());
          assertThat(rs.getInt(14)).isEqualTo(r.status());
          assertThat(rs.getString(15)).isEqualTo(r.errorCode());
          assertThat(rs.getString(16)).isEqualTo(r.upstreamModel());
          assertThat(rs.getInt(17)).isEqualTo(r.attempts());
          i++;
        }
        assertThat(i).isEqualTo(n);
      }
    }
  }
}
