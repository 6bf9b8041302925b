package dev.sluice.ratelimit;

import dev.sluice.api.EndpointClass;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.error.ApiError;
import dev.sluice.keys.Principal;
import dev.sluice.storage.RedisStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link RateLimiter} shared by every instance on one Redis: the {@link Gcra} of each admission
 * runs as one Lua script (the request bucket of the endpoint class and the key's token bucket in one
 * round trip, on Redis's clock), so a plan's limits are exact however many instances serve a key.
 * Bucket keys carry the key id as a hash tag ({@code sluice:rl:{key_…}:chat}): one cluster slot per
 * API key. The answer is completed on the caller's Vert.x context; Redis is never waited for on a
 * thread.
 *
 * <p>When Redis fails or does not answer within {@code redis.timeout_millis}, {@code
 * rate_limits.on_store_error} decides: {@link OnStoreError#ALLOW} admits through this instance's own
 * {@link InMemoryRateLimiter} (limits per instance until Redis is back), {@link OnStoreError#DENY}
 * answers 503 {@code rate_limit_store_unavailable}. Either way the failure is logged at most once a
 * minute.
 */
public final class RedisRateLimiter implements RateLimiter {
  /** What an admission does when Redis cannot answer. */
  public enum OnStoreError { ALLOW, DENY }

  static final RedisStore.Script SCRIPT = RedisStore.Script.of(resource("/ratelimit/gcra.lua"));
  private static final long PERIOD_MICROS = PlanLimits.MINUTE_NANOS / 1000;

  private final RedisStore redis;
  private final PlanLimits limits;
  private final InMemoryRateLimiter local;
  private final OnStoreError onError;

  public RedisRateLimiter(RedisStore redis, Plans plans, OnStoreError onError) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.limits = new PlanLimits(plans);
    this.local = InMemoryRateLimiter.create(plans);
    this.onError = Objects.requireNonNull(onError, "onError");
  }

  /**
   * The limiter {@code rate_limits.store} names: {@code memory} (this instance's own) or {@code redis}
   * (shared; {@code redis.url} required).
   */
  public static RateLimiter fromConfig(Config config, Plans plans, RedisStore redis) {
    String store = config.oneOf("rate_limits.store", "memory", "redis");
    OnStoreError onError = OnStoreError.valueOf(
        config.oneOf("rate_limits.on_store_error", "allow", "deny").toUpperCase(Locale.ROOT));
    if (store.equals("memory")) {
      return InMemoryRateLimiter.create(plans);
    }
    if (redis == null) {
      throw new ConfigException("redis.url", "is required with rate_limits.store: redis");
    }
    redis.warmUp(SCRIPT);
    return new RedisRateLimiter(redis, plans, onError);
  }

  /** The 503 of {@link OnStoreError#DENY}. */
  public static ApiError storeUnavailable() {
    return ApiError.of(503, ApiError.SERVICE_UNAVAILABLE,
        "the rate-limit store is unavailable; retry the request shortly", "rate_limit_store_unavailable")
        .withHeader(RateLimitHeaders.RETRY_AFTER, "1");
  }

  @Override
  public Future<Admission> admit(Principal principal, EndpointClass endpointClass) {
    Optional<PlanLimits.Limits> found;
    try {
      found = limits.of(principal, endpointClass);
    } catch (PlanLimits.UnknownPlan e) {
      return Future.failedFuture(e.error().exception());
    }
    if (found.isEmpty()) {
      return Future.succeededFuture(Admission.UNLIMITED);
    }
    PlanLimits.Limits pl = found.get();
    String keyId = PlanLimits.keyId(principal);
    boolean metered = Plan.tokenMetered(endpointClass);
    Gcra requestGcra = pl.requests().get(endpointClass);
    String[] keys = metered
        ? new String[] {bucketKey(keyId, endpointClass.name()), bucketKey(keyId, "tokens")}
        : new String[] {bucketKey(keyId, endpointClass.name())};
    CompletableFuture<List<Object>> reply = redis.eval(SCRIPT, keys, "admit", Long.toString(PERIOD_MICROS),
        Long.toString(requestGcra.limit()), metered ? Long.toString(pl.tokens().limit()) : "0");
    return onCaller(reply).map(r -> admission(keyId, endpointClass, pl, metered, r)).recover(t -> {
      redis.warn("admitting a request (rate_limits.on_store_error: " + onError.name().toLowerCase(Locale.ROOT)
          + ")", t);
      if (onError == OnStoreError.DENY) {
        return Future.failedFuture(storeUnavailable().exception());
      }
      return local.admit(principal, endpointClass);
    });
  }

  @Override
  public void recordTokens(Principal principal, EndpointClass endpointClass, long tokens) {
    Optional<PlanLimits.Limits> found = limits.tokenMetered(principal, endpointClass, tokens);
    if (found.isEmpty()) {
      return;
    }
    String keyId = PlanLimits.keyId(principal);
    redis.eval(SCRIPT, new String[] {bucketKey(keyId, "tokens")}, "debit", Long.toString(PERIOD_MICROS),
            Long.toString(found.get().tokens().limit()), Long.toString(tokens), Long.toString(Gcra.MAX_DEBT_PERIODS))
        .whenComplete((r, t) -> {
          if (t != null) {
            redis.warn("recording a request's tokens", t);
            local.recordTokens(principal, endpointClass, tokens);
          }
        });
  }

  /** {@code sluice:rl:{keyId}:bucket}: the braces make Redis Cluster put a key's buckets in one slot. */
  static String bucketKey(String keyId, String bucket) {
    return "sluice:rl:{" + keyId + "}:" + bucket.toLowerCase(Locale.ROOT);
  }

  private static Admission admission(String keyId, EndpointClass endpointClass, PlanLimits.Limits pl,
                                     boolean metered, List<Object> r) {
    Gcra.Decision requests = decision(r, 0);
    Gcra.Decision tokens = metered ? decision(r, 4) : null;
    Instant wall = Instant.ofEpochSecond(number(r, 8), number(r, 9) * 1000);
    return Admissions.decide(keyId, endpointClass, pl.plan(), pl.requests().get(endpointClass).limit(), requests,
        pl.tokens().limit(), tokens, wall);
  }

  private static Gcra.Decision decision(List<Object> r, int at) {
    return new Gcra.Decision(number(r, at) == 1, null, number(r, at + 1), number(r, at + 2) * 1000,
        number(r, at + 3) * 1000);
  }

  private static long number(List<Object> r, int at) {
    return ((Number) r.get(at)).longValue();
  }

  /** Completes on the calling Vert.x context (an event loop) when there is one. */
  private static <T> Future<T> onCaller(CompletableFuture<T> stage) {
    Context ctx = Vertx.currentContext();
    return ctx == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, ctx);
  }

  private static String resource(String path) {
    try (InputStream in = RedisRateLimiter.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
