package dev.sluice.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.Config;
import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchingUsageSinkTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void closeDrainsEveryRecordRecordedConcurrently(Database.Dialect dialect) throws Exception {
    int threads = 8;
    int perThread = 500;
    try (var t = TestDatabases.open(dialect, dir)) {
      Config config = Config.fromYaml("usage:\n  batch_size: 64\n  flush_interval_millis: 600000\n", Map.of());
      BatchingUsageSink sink = BatchingUsageSink.start(t.db(), config);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) {
        String key = "key_" + i;
        pool.submit(() -> {
          for (int j = 0; j < perThread; j++) {
            sink.record(UsageFixtures.record(T0, key, "gpt-4o", 10, 5, 200));
          }
        });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

      sink.close();

      List<UsageRow> rows = UsageService.create(t.db()).summary(new UsageQuery(null, null, UsageQuery.GroupBy.KEY));
      assertThat(UsageService.total(rows).requests()).isEqualTo(threads * perThread);
      assertThat(rows).hasSize(threads).allSatisfy(r -> assertThat(r.requests()).isEqualTo(perThread));
      assertThat(sink.written()).isEqualTo(threads * perThread);
      assertThat(sink.dropped()).isZero();
    }
  }

  @Test
  void writesInBatchesNoLargerThanTheBatchSize() {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    UsageStore store = new UsageStore() {
      @Override
      public void insert(List<UsageRecord> records) {
        batches.add(records.size());
      }

      @Override
      public List<UsageRow> summary(UsageQuery query) {
        return List.of();
      }
    };
    BatchingUsageSink sink = BatchingUsageSink.start(store, 10, Duration.ofMinutes(10), 1000);
    for (int i = 0; i < 95; i++) {
      sink.record(UsageFixtures.record(T0, "k", "m", 1, 1, 200));
    }
    sink.close();
    assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(95);
    assertThat(batches).allSatisfy(n -> assertThat(n).isBetween(1, 10));
  }

  @Test
  void retriesAFailedWriteAndDropsNothing() {
    AtomicInteger failuresLeft = new AtomicInteger(1);
    AtomicInteger stored = new AtomicInteger();
    UsageStore store = new UsageStore() {
      @Override
      public void insert(List<UsageRecord> records) {
        if (failuresLeft.getAndDecrement() > 0) {
          throw new IllegalStateException("database down");
        }
        stored.addAndGet(records.size());
      }

      @Override
      public List<UsageRow> summary(UsageQuery query) {
        return List.of();
      }
    };
    BatchingUsageSink sink = BatchingUsageSink.start(store, 100, Duration.ofMinutes(10), 1000);
    for (int i = 0; i < 20; i++) {
      sink.record(UsageFixtures.record(T0, "k", "m", 1, 1, 200));
    }
    sink.close();
    assertThat(stored).hasValue(20);
    assertThat(sink.dropped()).isZero();
  }

  @Test
  void recordsAfterCloseAreCountedAsDropped() {
    AtomicInteger stored = new AtomicInteger();
    UsageStore store = new UsageStore() {
      @Override
      public void insert(List<UsageRecord> records) {
        stored.addAndGet(records.size());
      }

      @Override
      public List<UsageRow> summary(UsageQuery query) {
        return List.of();
      }
    };
    BatchingUsageSink sink = BatchingUsageSink.start(store, 100, Duration.ofMinutes(10), 1000);
    sink.record(UsageFixtures.record(T0, "k", "m", 1, 1, 200));
    sink.close();
    sink.record(UsageFixtures.record(T0, "k", "m", 1, 1, 200));
    sink.close();
    assertThat(stored).hasValue(1);
    assertThat(sink.dropped()).isEqualTo(1);
  }
}
