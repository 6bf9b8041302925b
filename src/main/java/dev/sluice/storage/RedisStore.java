package dev.sluice.storage;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis of {@code redis.url} (Lettuce), shared by the features that keep state across instances.
 * Never blocks its callers: commands are asynchronous and bounded by {@code redis.timeout_millis};
 * the connection is opened lazily and re-opened after a failure (at most one attempt a second), and
 * while it is down commands fail at once instead of queueing. Futures complete on Lettuce's threads:
 * callers hop back to their own context.
 */
public final class RedisStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  private static final long RETRY_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  /**
   * Commands timed out in a row after which the connection is given up and a new one opened: a
   * Redis that went silent (a host gone without a reset) leaves a connection that never fails on
   * its own, and Lettuce reconnects only when a connection closes.
   */
  private static final int REOPEN_AFTER_TIMEOUTS = 3;

  /** A Lua script with its SHA-1, run with EVALSHA and loaded with EVAL when Redis does not know it. */
  public record Script(String source, String sha) {
    public static Script of(String source) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        return new Script(source, HexFormat.of().formatHex(d));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final RedisClient client;
  private final RedisURI uri;
  private final Duration timeout;
  private final Object lock = new Object();
  private final Object pubSubLock = new Object();
  private final AtomicInteger timeoutsInARow = new AtomicInteger();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS - 1);
  private CompletableFuture<StatefulRedisConnection<String, String>> connection;
  private long failedAt = System.nanoTime() - RETRY_CONNECT_NANOS - 1;
  private StatefulRedisPubSubConnection<String, String> pubSub;
  private volatile boolean closed;

  private RedisStore(RedisURI uri, Duration timeout) {
    uri.setTimeout(timeout);
    this.uri = uri;
    this.timeout = timeout;
    this.client = RedisClient.create();
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
        .build());
  }

  /**
   * The Redis of {@code redis.url} and {@code redis.timeout_millis}; null when the URL is blank.
   * Nothing is connected yet.
   */
  public static RedisStore fromConfig(Config config) {
    String url = config.string("redis.url");
    if (url == null || url.isBlank()) {
      return null;
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(url.trim());
    } catch (RuntimeException e) {
      throw new ConfigException("redis.url", "expected redis://HOST:PORT[/DB], got '" + redacted(url) + "'");
    }
    return new RedisStore(uri, Duration.ofMillis(config.integer("redis.timeout_millis", 10, 60_000)));
  }

  /**
   * Opens the connection and loads {@code scripts} in the background, so that the first request
   * does not wait for them; a failure is only logged (requests retry).
   */
  public void warmUp(Script... scripts) {
    connection().thenCompose(c -> {
      CompletableFuture<?> all = CompletableFuture.completedFuture(null);
      for (Script s : scripts) {
        all = all.thenCompose(x -> c.async().scriptLoad(s.source()).toCompletableFuture());
      }
      return all;
    }).whenComplete((x, t) -> {
      if (t != null) {
        warn("connecting at start-up", t);
      }
    });
  }

  /** The per-command timeout. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code script} (EVALSHA, then EVAL on NOSCRIPT) and completes with its array reply, or
   * fails within {@link #timeout()} (plus at most one connect timeout).
   */
  public CompletableFuture<List<Object>> eval(Script script, String[] keys, String... args) {
    return connection().thenCompose(c -> c.async().<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
            .exceptionallyCompose(t -> unwrap(t) instanceof RedisNoScriptException
                ? c.async().eval(script.source(), ScriptOutputType.MULTI, keys, args)
                : CompletableFuture.failedStage(t)))
        .toCompletableFuture()
        .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
        .whenComplete((r, t) -> outcome(t));
  }

  /** Counts timeouts in a row; at {@link #REOPEN_AFTER_TIMEOUTS} the connection is dropped and re-opened. */
  private void outcome(Throwable t) {
    if (t == null) {
      timeoutsInARow.set(0);
      return;
    }
    Throwable c = unwrap(t);
    if ((c instanceof RedisCommandTimeoutException || c instanceof TimeoutException)
        && timeoutsInARow.incrementAndGet() >= REOPEN_AFTER_TIMEOUTS) {
      timeoutsInARow.set(0);
      reopen();
    }
  }

  private void reopen() {
    CompletableFuture<StatefulRedisConnection<String, String>> old;
    synchronized (lock) {
      old = connection;
      // fails at once until the next connect attempt is due (at most one a second)
      connection = CompletableFuture.failedFuture(new RedisConnectionException("re-opening after timeouts"));
      failedAt = System.nanoTime();
    }
    LOG.debug("Redis at {}:{}: {} commands timed out in a row, re-opening the connection", uri.getHost(),
        uri.getPort(), REOPEN_AFTER_TIMEOUTS);
    if (old != null) {
      old.thenAccept(StatefulRedisConnection::closeAsync);
    }
  }

  /** Publishes {@code message} on {@code channel}; failures are logged (throttled), never thrown. */
  public CompletionStage<Long> publish(String channel, String message) {
    return connection().thenCompose(c -> c.async().publish(channel, message))
        .whenComplete((n, t) -> {
          if (t != null) {
            warn("publishing on " + channel, t);
          }
        });
  }

  /**
   * Subscribes to {@code channel} for the life of this store; Lettuce re-subscribes after a reconnect.
   * Blocking (connects): call from a worker thread or start-up. When it throws, nothing stays
   * registered: calling it again is the retry.
   */
  public void subscribe(String channel, Consumer<String> onMessage, Runnable onReconnect) {
    // not under `lock`: connecting blocks (up to the timeout), and admissions take `lock` on event loops
    synchronized (pubSubLock) {
      if (pubSub == null) {
        pubSub = client.connectPubSub(StringCodec.UTF8, uri);
      }
    }
    RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {
      @Override
      public void message(String ch, String message) {
        if (ch.equals(channel)) {
          onMessage.accept(message);
        }
      }

      @Override
      public void subscribed(String ch, long count) {
        if (ch.equals(channel)) {
          onReconnect.run();
        }
      }
    };
    pubSub.addListener(listener);
    try {
      pubSub.sync().subscribe(channel);
    } catch (RuntimeException e) {
      // the caller retries: without this, each retry would add one more listener (each message handled twice, …)
      pubSub.removeListener(listener);
      throw e;
    }
  }

  /**
   * Logs a failure of Redis at WARN at most once a minute (a down Redis would otherwise log on
   * every request); the rest at DEBUG.
   */
  public void warn(String what, Throwable t) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    Throwable cause = unwrap(t);
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (now - last >= LOG_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("Redis at {}:{} failed {}: {} (logged at most once a minute)", uri.getHost(), uri.getPort(), what,
          message);
    } else {
      LOG.debug("Redis failed {}: {}", what, message);
    }
  }

  private CompletionStage<StatefulRedisConnection<String, String>> connection() {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("closed"));
      }
      CompletableFuture<StatefulRedisConnection<String, String>> c = connection;
      if (c != null && !c.isCompletedExceptionally()) {
        return c;
      }
      if (System.nanoTime() - failedAt < RETRY_CONNECT_NANOS) {
        return c;
      }
      CompletableFuture<StatefulRedisConnection<String, String>> opening =
          client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
      connection = opening;
      opening.whenComplete((conn, t) -> {
        if (t != null) {
          synchronized (lock) {
            failedAt = System.nanoTime();
          }
        } else if (closed) {
          conn.closeAsync();
        }
      });
      return opening;
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String redacted(String url) {
    int at = url.lastIndexOf('@');
    return at < 0 ? url : "redis://…" + url.substring(at);
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (connection != null && !connection.isCompletedExceptionally() && connection.isDone()) {
        connection.join().close();
      }
    }
    synchronized (pubSubLock) {
      if (pubSub != null) {
        pubSub.close();
      }
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
