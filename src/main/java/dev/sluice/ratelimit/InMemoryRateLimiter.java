package dev.sluice.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.sluice.error.ApiError;
import dev.sluice.keys.Principal;
import dev.sluice.api.EndpointClass;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RateLimiter} for one gateway instance: one {@link Gcra} bucket per key and endpoint
 * class for requests, one per key for tokens, held in a Caffeine map updated with atomic per-key
 * compute. An entry expires exactly when its bucket is full again, so memory follows the keys
 * active within the last minute (plus keys still in token debt).
 *
 * <p>Tokens are only known after a response, so {@link #admit} requires the key's token bucket to
 * have at least one token left and {@link #recordTokens} debits the actual usage afterwards; the
 * bucket may go negative, and the key's chat and embeddings requests are refused until it refills.
 */
public final class InMemoryRateLimiter implements RateLimiter {
  static final long MINUTE_NANOS = 60_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryRateLimiter.class);

  private enum Bucket { CHAT, IMAGES, EMBEDDINGS, TOKENS }

  private record BucketKey(String keyId, Bucket bucket) {
  }

  private record PlanLimits(Plan plan, Map<EndpointClass, Gcra> requests, Gcra tokens) {
  }

  private final Map<String, PlanLimits> limits = new HashMap<>();
  private final Set<String> warnedPlans = ConcurrentHashMap.newKeySet();
  private final Plans plans;
  private final LongSupplier ticker;
  private final Clock wallClock;
  private final Cache<BucketKey, Gcra.State> states;

  private InMemoryRateLimiter(Plans plans, LongSupplier nanoTicker, Clock wallClock) {
    this.plans = Objects.requireNonNull(plans, "plans");
    this.ticker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    for (Plan p : plans.all()) {
      var requests = new EnumMap<EndpointClass, Gcra>(EndpointClass.class);
      p.requestsPerMinute().forEach((c, rpm) -> requests.put(c, new Gcra(rpm, MINUTE_NANOS)));
      limits.put(p.name().toLowerCase(Locale.ROOT), new PlanLimits(p, requests, new Gcra(p.tokensPerMinute(), MINUTE_NANOS)));
    }
    this.states = Caffeine.newBuilder()
        .ticker(ticker::getAsLong)
        .executor(Runnable::run)
        .expireAfter(new UntilFull())
        .build();
  }

  /**
   * @param plans the configured plans
   * @param nanoTicker monotonic nanoseconds ({@code System::nanoTime} in production)
   * @param wallClock for the epoch-second reset headers
   */
  public static InMemoryRateLimiter create(Plans plans, LongSupplier nanoTicker, Clock wallClock) {
    return new InMemoryRateLimiter(plans, nanoTicker, wallClock);
  }

  /** With the system's monotonic ticker and UTC clock. */
  public static InMemoryRateLimiter create(Plans plans) {
    return create(plans, System::nanoTime, Clock.systemUTC());
  }

  @Override
  public Future<Admission> admit(Principal principal, EndpointClass endpointClass) {
    Optional<PlanLimits> found;
    try {
      found = limitsOf(principal, endpointClass);
    } catch (UnknownPlan e) {
      return Future.failedFuture(ApiError.of(500, ApiError.API,
          "the API key's plan '" + e.plan + "' is not configured on this gateway", "plan_not_configured").exception());
    }
    String keyId = keyId(principal);
    if (found.isEmpty()) {
      LOG.debug("admitted key {} on {}: no plan, not limited", keyId, endpointClass);
      return Future.succeededFuture(Admission.UNLIMITED);
    }
    PlanLimits pl = found.get();
    long now = ticker.getAsLong();
    Instant wall = wallClock.instant();

    Gcra tokenGcra = Plan.tokenMetered(endpointClass) ? pl.tokens() : null;
    Gcra.Decision tokens = tokenGcra == null ? null
        : tokenGcra.check(states.getIfPresent(new BucketKey(keyId, Bucket.TOKENS)), now);

    Gcra requestGcra = pl.requests().get(endpointClass);
    BucketKey requestKey = new BucketKey(keyId, bucket(endpointClass));
    Gcra.Decision requests;
    if (tokens != null && !tokens.allowed()) {
      requests = requestGcra.check(states.getIfPresent(requestKey), now);
    } else {
      Gcra.Decision[] out = new Gcra.Decision[1];
      states.asMap().compute(requestKey, (k, s) -> {
        out[0] = requestGcra.acquire(s, now, 1);
        return out[0].state();
      });
      requests = out[0];
    }

    var headers = new LinkedHashMap<String, String>();
    headers.put(RateLimitHeaders.LIMIT_REQUESTS, Long.toString(requestGcra.limit()));
    headers.put(RateLimitHeaders.REMAINING_REQUESTS, Long.toString(requests.remaining()));
    headers.put(RateLimitHeaders.RESET_REQUESTS, RateLimitHeaders.duration(requests.resetNanos()));
    headers.put(RateLimitHeaders.RESET_REQUESTS_EPOCH, Long.toString(epochSecondsAfter(wall, requests.resetNanos())));
    if (tokens != null) {
      headers.put(RateLimitHeaders.LIMIT_TOKENS, Long.toString(tokenGcra.limit()));
      headers.put(RateLimitHeaders.REMAINING_TOKENS, Long.toString(tokens.remaining()));
      headers.put(RateLimitHeaders.RESET_TOKENS, RateLimitHeaders.duration(tokens.resetNanos()));
      headers.put(RateLimitHeaders.RESET_TOKENS_EPOCH, Long.toString(epochSecondsAfter(wall, tokens.resetNanos())));
    }

    boolean tokensBlocked = tokens != null && !tokens.allowed();
    boolean requestsBlocked = !requests.allowed();
    if (!tokensBlocked && !requestsBlocked) {
      LOG.debug("admitted key {} on {} (plan {}): {} requests left this minute", keyId, endpointClass,
          pl.plan().name(), requests.remaining());
      return Future.succeededFuture(new Admission(true, headers, 0));
    }
    long waitNanos = Math.max(requestsBlocked ? requests.retryAfterNanos() : 0,
        tokensBlocked ? tokens.retryAfterNanos() : 0);
    LOG.debug("limited key {} on {} (plan {}): {} per minute used up, retry in {} ms", keyId, endpointClass,
        pl.plan().name(), requestsBlocked ? "requests" : "tokens", Math.ceilDiv(waitNanos, 1_000_000L));
    headers.put(RateLimitHeaders.RETRY_AFTER_MS, Long.toString(Math.ceilDiv(waitNanos, 1_000_000L)));
    String again = " Please try again in " + RateLimitHeaders.duration(waitNanos) + ".";
    String className = endpointClass.name().toLowerCase(Locale.ROOT);
    String message = requestsBlocked
        ? "Rate limit reached for requests per min (RPM) on " + className + " endpoints: Limit "
            + requestGcra.limit() + ", Remaining 0." + again
        : "Rate limit reached for tokens per min (TPM): Limit " + tokenGcra.limit() + ", Remaining 0." + again;
    return Future.succeededFuture(new Admission(false, headers, RateLimitHeaders.ceilSeconds(waitNanos), message));
  }

  @Override
  public void recordTokens(Principal principal, EndpointClass endpointClass, long tokens) {
    if (tokens <= 0 || !Plan.tokenMetered(endpointClass)) {
      return;
    }
    Optional<PlanLimits> found;
    try {
      found = limitsOf(principal, endpointClass);
    } catch (UnknownPlan e) {
      return;
    }
    if (found.isEmpty()) {
      return;
    }
    Gcra gcra = found.get().tokens();
    long now = ticker.getAsLong();
    states.asMap().compute(new BucketKey(keyId(principal), Bucket.TOKENS), (k, s) -> gcra.debit(s, now, tokens));
  }

  /** Buckets currently held (after dropping full ones); for tests and metrics. */
  long trackedBuckets() {
    states.cleanUp();
    return states.estimatedSize();
  }

  private Optional<PlanLimits> limitsOf(Principal principal, EndpointClass endpointClass) {
    if (principal == null || endpointClass == null || endpointClass == EndpointClass.NONE) {
      return Optional.empty();
    }
    String name = principal.plan();
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    PlanLimits pl = limits.get(name.trim().toLowerCase(Locale.ROOT));
    if (pl == null) {
      if (warnedPlans.add(name)) {
        LOG.warn("API key {} names plan '{}', which is not configured; its requests are refused", principal.keyId(), name);
      }
      throw new UnknownPlan(name);
    }
    return Optional.of(pl);
  }

  private static String keyId(Principal principal) {
    return Objects.requireNonNullElse(principal.keyId(), "");
  }

  private static Bucket bucket(EndpointClass c) {
    return switch (c) {
      case CHAT -> Bucket.CHAT;
      case IMAGES -> Bucket.IMAGES;
      case EMBEDDINGS -> Bucket.EMBEDDINGS;
      case NONE -> throw new IllegalArgumentException("NONE is not rate limited");
    };
  }

  private static long epochSecondsAfter(Instant wall, long nanos) {
    return wall.getEpochSecond() + Math.ceilDiv(wall.getNano() + nanos, 1_000_000_000L);
  }

  /** Keeps an entry exactly while its bucket is not full (slightly longer: a remainder counts whole ns). */
  private static final class UntilFull implements Expiry<BucketKey, Gcra.State> {
    private static long ttl(Gcra.State s, long now) {
      return Math.max(0, s.tatNanos() - now) + 1 + Math.max(0, s.remainder());
    }

    @Override
    public long expireAfterCreate(BucketKey key, Gcra.State value, long currentTime) {
      return ttl(value, currentTime);
    }

    @Override
    public long expireAfterUpdate(BucketKey key, Gcra.State value, long currentTime, long currentDuration) {
      return ttl(value, currentTime);
    }

    @Override
    public long expireAfterRead(BucketKey key, Gcra.State value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  private static final class UnknownPlan extends RuntimeException {
    final String plan;

    UnknownPlan(String plan) {
      super(null, null, false, false);
      this.plan = plan;
    }
  }
}
