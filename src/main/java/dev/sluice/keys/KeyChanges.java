package dev.sluice.keys;

import dev.sluice.storage.Database;
import dev.sluice.storage.PostgresChannel;
import dev.sluice.storage.RedisStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key changes (revoked, rotated, re-planned) announced to every instance, so that each drops the key
 * from its cache at once instead of when the cache entry expires: PostgreSQL's NOTIFY / LISTEN on
 * channel {@value #PG_CHANNEL} when the database is PostgreSQL (sent in the process that made the
 * change, the CLI included), Redis pub/sub on {@value #REDIS_CHANNEL} when {@code redis.url} is set.
 * The message is the key id, never the key. After a (re)connect the listener drops every cached key,
 * since announcements may have been missed; the key cache's TTL stays the last resort.
 */
public final class KeyChanges implements AutoCloseable {
  public static final String PG_CHANNEL = "sluice_key_changes";
  public static final String REDIS_CHANNEL = "sluice:key-changes";
  private static final Logger LOG = LoggerFactory.getLogger(KeyChanges.class);
  private static final long RETRY_MILLIS = 1000;

  private final List<Thread> listeners = new ArrayList<>();
  private PostgresChannel postgres;
  private volatile boolean closed;

  private KeyChanges(Database db, RedisStore redis, Consumer<String> onChange, Runnable onGap) {
    if (redis != null) {
      listeners.add(Thread.ofPlatform().daemon().name("sluice-key-changes-redis")
          .start(() -> subscribeRedis(redis, onChange, onGap)));
    }
    if (db != null && db.dialect() == Database.Dialect.POSTGRESQL) {
      postgres = PostgresChannel.listen(db, PG_CHANNEL, id -> {
        LOG.debug("key {} changed on another instance (PostgreSQL): dropped from the cache", id);
        onChange.accept(id);
      }, onGap);
    }
  }

  /**
   * Starts delivering other instances' changes to {@code auth}: LISTEN on PostgreSQL, SUBSCRIBE on
   * Redis (either or both may be absent), on a thread of its own.
   */
  public static KeyChanges listen(Database db, RedisStore redis, KeyAuthenticator auth) {
    return new KeyChanges(db, redis, auth::invalidate, auth::invalidateAll);
  }

  /** Announces this service's changes on Redis (waits up to the Redis timeout; a failure is logged). */
  public static void publishOn(RedisStore redis, KeyService keys) {
    keys.onChange(id -> {
      try {
        redis.publish(REDIS_CHANNEL, id).toCompletableFuture()
            .get(redis.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        redis.warn("announcing a key change", e);
      }
    });
  }

  /** NOTIFY on {@value #PG_CHANNEL} (blocking; a failure is logged: the cache TTL still applies). */
  static void notifyPostgres(Database db, String keyId) {
    try {
      PostgresChannel.send(db, PG_CHANNEL, keyId);
    } catch (SQLException e) {
      LOG.warn("announcing the change of key {} failed: {}", keyId, e.getMessage());
    }
  }

  private void subscribeRedis(RedisStore redis, Consumer<String> onChange, Runnable onGap) {
    while (!closed) {
      try {
        redis.subscribe(REDIS_CHANNEL, id -> {
          LOG.debug("key {} changed on another instance (Redis): dropped from the cache", id);
          onChange.accept(id);
        }, onGap);
        return;
      } catch (RuntimeException e) {
        redis.warn("subscribing to key changes", e);
        sleep();
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    listeners.forEach(Thread::interrupt);
    if (postgres != null) {
      postgres.close();
    }
  }
}
