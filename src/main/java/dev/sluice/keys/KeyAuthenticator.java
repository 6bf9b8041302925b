package dev.sluice.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.error.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates bearer keys: the fixed {@code auth.downstream_api_key} (compared in constant time)
 * and stored keys, looked up by hash through a cache so that only the first request of a key reads
 * the database (on a worker thread). Unknown keys are cached briefly too. Revocations through the
 * same {@link KeyService} take effect at once; others within the cache TTL. Last-use times are
 * written in batches by a timer. The admin key never authenticates here.
 */
public final class KeyAuthenticator implements Authenticator, AutoCloseable {
  private static final HexFormat HEX = HexFormat.of();
  /** The principal id of the fixed config key. */
  public static final String CONFIG_KEY_ID = "config";
  private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);
  private static final Optional<ApiKey> UNKNOWN = Optional.empty();

  /**
   * @param configKey {@code auth.downstream_api_key}, or blank for none
   * @param configPlan plan of the config key, or blank for unlimited
   * @param adminKey {@code auth.admin_api_key}, or blank; never accepted here
   * @param cacheTtl how long a found key is trusted without re-reading it
   * @param negativeTtl how long an unknown key is remembered as unknown
   * @param lastUseFlush interval of the last-use batch write
   */
  public record Settings(String configKey, String configPlan, String adminKey, Duration cacheTtl,
                         Duration negativeTtl, Duration lastUseFlush) {
    public static Settings from(Config config) {
      return new Settings(config.string("auth.downstream_api_key"), config.string("auth.downstream_plan"),
          config.string("auth.admin_api_key"),
          Duration.ofSeconds(config.integer("storage.key_cache_seconds", 0, 86_400)),
          Duration.ofSeconds(config.integer("storage.key_negative_cache_seconds", 0, 3_600)),
          Duration.ofMillis(config.integer("storage.last_used_flush_millis", 100, 3_600_000)));
    }

    @Override
    public String toString() {
      return "Settings[configKey=" + (configKey.isEmpty() ? "" : "<set>") + ", configPlan=" + configPlan
          + ", adminKey=" + (adminKey.isEmpty() ? "" : "<set>") + ", cacheTtl=" + cacheTtl
          + ", negativeTtl=" + negativeTtl + ", lastUseFlush=" + lastUseFlush + "]";
    }
  }

  private final Vertx vertx;
  private final KeyService keys;
  private final Clock clock;
  private final byte[] configKeyHash;
  private final byte[] adminKeyHash;
  private final Principal configPrincipal;
  private final Cache<String, Optional<ApiKey>> cache;
  private final Map<String, Instant> pendingLastUse = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong invalidations = new java.util.concurrent.atomic.AtomicLong();
  private final long timerId;

  public KeyAuthenticator(Vertx vertx, KeyService keys, Settings settings, Clock clock, Ticker ticker) {
    if (!settings.configKey().isEmpty() && settings.configKey().equals(settings.adminKey())) {
      throw new ConfigException("auth.admin_api_key", "must differ from auth.downstream_api_key");
    }
    this.vertx = vertx;
    this.keys = keys;
    this.clock = clock;
    this.configKeyHash = settings.configKey().isEmpty() ? null : KeyService.sha256(settings.configKey());
    this.adminKeyHash = settings.adminKey().isEmpty() ? null : KeyService.sha256(settings.adminKey());
    this.configPrincipal = new Principal(CONFIG_KEY_ID, "config",
        settings.configPlan().isEmpty() ? null : settings.configPlan(), Set.of());
    long positiveNanos = settings.cacheTtl().toNanos();
    long negativeNanos = settings.negativeTtl().toNanos();
    this.cache = Caffeine.newBuilder()
        .maximumSize(100_000)
        .ticker(ticker)
        // maintenance on the calling thread: handing it to the common pool woke a thread per few reads
        .executor(Runnable::run)
        .expireAfter(Expiry.<String, Optional<ApiKey>>creating(
            (hash, value) -> Duration.ofNanos(value.isPresent() ? positiveNanos : negativeNanos)))
        .build();
    keys.onChange(this::invalidate);
    this.timerId = vertx.setPeriodic(settings.lastUseFlush().toMillis(), id -> flushLastUse());
  }

  /** The production authenticator from the {@code auth:} and {@code storage:} config sections. */
  public static KeyAuthenticator create(Vertx vertx, KeyService keys, Config config) {
    return new KeyAuthenticator(vertx, keys, Settings.from(config), keys.clock(), Ticker.systemTicker());
  }

  @Override
  public Future<Principal> authenticate(String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return rejected();
    }
    byte[] presentedHash = KeyService.sha256(presentedKey);
    if (adminKeyHash != null && MessageDigest.isEqual(presentedHash, adminKeyHash)) {
      return rejected();
    }
    if (configKeyHash != null && MessageDigest.isEqual(presentedHash, configKeyHash)) {
      return Future.succeededFuture(configPrincipal);
    }
    if (!KeyService.looksLikeKey(presentedKey)) {
      return rejected();
    }
    String hash = HEX.formatHex(presentedHash);
    Optional<ApiKey> cached = cache.getIfPresent(hash);
    if (cached != null) {
      return decide(cached);
    }
    long generation = invalidations.get();
    return vertx.executeBlocking(() -> keys.findByHash(hash), false)
        .recover(e -> {
          LOG.warn("key lookup failed: {}", e.getMessage());
          return Future.failedFuture(ApiError.internal().exception());
        })
        .compose(found -> {
          if (invalidations.get() == generation) {
            cache.put(hash, found);
          }
          LOG.debug("key looked up in the database (not cached): {}", found.map(k -> "key " + k.id()).orElse("no such key"));
          return decide(found);
        });
  }

  private Future<Principal> decide(Optional<ApiKey> found) {
    if (found.isEmpty()) {
      return rejected();
    }
    ApiKey key = found.get();
    Instant now = clock.instant();
    if (!key.activeAt(now)) {
      LOG.debug("key {} refused: revoked or expired", key.id());
      return rejected();
    }
    pendingLastUse.merge(key.id(), now, (a, b) -> a.isAfter(b) ? a : b);
    return Future.succeededFuture(key.principal());
  }

  private static Future<Principal> rejected() {
    return Future.failedFuture(ApiError.invalidApiKey().exception());
  }

  /** Drops cached entries of this key id (after a revocation or rotation). */
  public void invalidate(String keyId) {
    invalidations.incrementAndGet();
    cache.asMap().values().removeIf(v -> v.isPresent() && v.get().id().equals(keyId));
  }

  /**
   * Drops every cached key: after a gap in the change announcements (a reconnect), when changes
   * may have been missed.
   */
  public void invalidateAll() {
    invalidations.incrementAndGet();
    cache.invalidateAll();
  }

  /** Writes pending last-use times on a worker; completes when written. */
  public Future<Void> flushLastUse() {
    Map<String, Instant> batch = takePending();
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      keys.recordLastUse(batch);
      return null;
    }, false).onFailure(e -> {
      LOG.warn("recording key last use failed: {}", e.getMessage());
      batch.forEach((id, t) -> pendingLastUse.merge(id, t, (a, b) -> a.isAfter(b) ? a : b));
    });
  }

  private Map<String, Instant> takePending() {
    Map<String, Instant> batch = new HashMap<>();
    for (String id : pendingLastUse.keySet()) {
      Instant t = pendingLastUse.remove(id);
      if (t != null) {
        batch.put(id, t);
      }
    }
    return batch;
  }

  /** Stops the timer and writes pending last-use times (blocking). */
  @Override
  public void close() {
    vertx.cancelTimer(timerId);
    Map<String, Instant> batch = takePending();
    if (!batch.isEmpty()) {
      try {
        keys.recordLastUse(batch);
      } catch (RuntimeException e) {
        LOG.warn("recording key last use failed: {}", e.getMessage());
      }
    }
  }
}
