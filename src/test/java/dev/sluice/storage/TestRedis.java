package dev.sluice.storage;

import dev.sluice.testing.Prerequisites;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis tests use: {@code SLUICE_TEST_REDIS_URL} (default the local one that {@code .ci/run}
 * starts). When it is unreachable the Redis variants are reported as aborted, not passed.
 */
public final class TestRedis {
  public static final String URL = System.getenv().getOrDefault("SLUICE_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private TestRedis() {
  }

  /** Aborts the test when Redis does not answer PING. */
  public static void require() {
    try (RedisClient client = RedisClient.create(RedisURI.create(URL + (URL.contains("?") ? "&" : "?") + "timeout=2s"))) {
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().ping();
      }
    } catch (RuntimeException e) {
      Prerequisites.missing("Redis not reachable at " + URL + ": " + e.getMessage());
    }
  }

  /** Whether {@code key} exists (e.g. a bucket that an admission wrote). */
  public static boolean exists(String key) {
    require();
    try (RedisClient client = RedisClient.create(URL); StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().exists(key) == 1;
    }
  }

  /** Deletes the keys matching {@code pattern} (e.g. another run's buckets of a fixed key id). */
  public static void delete(String pattern) {
    require();
    try (RedisClient client = RedisClient.create(URL); StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> keys = new ArrayList<>();
      ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(pattern)).forEachRemaining(keys::add);
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(String[]::new));
      }
    }
  }
}
