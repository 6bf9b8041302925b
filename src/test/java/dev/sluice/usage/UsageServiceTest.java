package dev.sluice.usage;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.GatewayException;
import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UsageServiceTest {
  static final Instant DAY1 = Instant.parse("2026-03-01T23:59:00Z");
  static final Instant DAY2 = Instant.parse("2026-03-02T00:01:00Z");

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void summarisesByModelKeyAndDayWithFilters(Database.Dialect dialect) {
    try (var t = TestDatabases.open(dialect, dir)) {
      new JdbcUsageStore(t.db()).insert(List.of(
          UsageFixtures.record(DAY1, "key_a", "gpt-4o", 100, 30, 200),
          UsageFixtures.record(DAY1, "key_b", "o3", 10, 3, 502),
          UsageFixtures.record(DAY2, "key_a", "gpt-4o", 200, 60, 200),
          new UsageRecord(DAY2, null, "config", "models", null, null, null, 0, 0, 0, 0, 5, 200, null)));
      UsageService usage = UsageService.create(t.db());

      assertThat(usage.summary(new UsageQuery(null, null, UsageQuery.GroupBy.MODEL))).containsExactly(
          new UsageRow("", 1, 0, 0, 0, 0, 0),
          new UsageRow("gpt-4o", 2, 300, 90, 150, 30, 0),
          new UsageRow("o3", 1, 10, 3, 5, 1, 1));
      assertThat(usage.summary(new UsageQuery(null, null, UsageQuery.GroupBy.DAY)))
          .extracting(UsageRow::group, UsageRow::requests)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("2026-03-01", 2L),
              org.assertj.core.groups.Tuple.tuple("2026-03-02", 2L));
      assertThat(usage.summary(new UsageQuery("key_a", DAY2, UsageQuery.GroupBy.KEY)))
          .containsExactly(new UsageRow("key_a", 1, 200, 60, 100, 20, 0));
      assertThat(usage.summary(new UsageQuery("key_zzz", null, UsageQuery.GroupBy.KEY))).isEmpty();
    }
  }

  @Test
  void parsesSinceAndGroupBy() {
    MutableClock clock = new MutableClock(DAY2);
    assertThat(UsageQuery.parseSince("7d", clock)).isEqualTo(DAY2.minus(Duration.ofDays(7)));
    assertThat(UsageQuery.parseSince("2026-03-01", clock)).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(UsageQuery.parseSince("", clock)).isNull();
    assertThatThrownBy(() -> UsageQuery.parseSince("yesterday", clock)).isInstanceOf(GatewayException.class);
    assertThat(UsageQuery.GroupBy.parse("Day")).isEqualTo(UsageQuery.GroupBy.DAY);
    assertThat(UsageQuery.GroupBy.parse(null)).isEqualTo(UsageQuery.GroupBy.MODEL);
    assertThatThrownBy(() -> UsageQuery.GroupBy.parse("hour")).isInstanceOf(GatewayException.class);
  }
}
