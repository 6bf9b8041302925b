package dev.sluice.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.sluice.keys.Principal;
import dev.sluice.api.EndpointClass;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
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
  static final long MINUTE_NANOS = PlanLimits.MINUTE_NANOS;
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryRateLimiter.class);

  private enum Bucket { CHAT, IMAGES, EMBEDDINGS, TOKENS }

  private record BucketKey(String keyId, Bucket bucket) {
  }

  private final PlanLimits limits;
  private final LongSupplier ticker;
  private final Clock wallClock;
  private final Cache<BucketKey, Gcra.State> states;

  private InMemoryRateLimiter(Plans plans, LongSupplier nanoTicker, Clock wallClock) {
    this.limits = new PlanLimits(Objects.requireNonNull(plans, "plans"));
    this.ticker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
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
    try {
      return Future.succeededFuture(admitNow(principal, endpointClass));
    } catch (PlanLimits.UnknownPlan e) {
      return Future.failedFuture(e.error().exception());
    }
  }

  /**
   * {@link #admit}, answered at once.
   *
   * @throws PlanLimits.UnknownPlan for a key whose plan is not configured
   */
  Admission admitNow(Principal principal, EndpointClass endpointClass) {
    Optional<PlanLimits.Limits> found = limits.of(principal, endpointClass);
    String keyId = PlanLimits.keyId(principal);
    if (found.isEmpty()) {
      LOG.debug("admitted key {} on {}: no plan, not limited", keyId, endpointClass);
      return Admission.UNLIMITED;
    }
    PlanLimits.Limits pl = found.get();
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
        // read under the key's lock, so that concurrent admissions of a key see the ticker in order
        out[0] = requestGcra.acquire(s, ticker.getAsLong(), 1);
        return out[0].state();
      });
      requests = out[0];
    }
    return Admissions.decide(keyId, endpointClass, pl.plan(), requestGcra.limit(), requests,
        pl.tokens().limit(), tokens, wall);
  }

  @Override
  public void recordTokens(Principal principal, EndpointClass endpointClass, long tokens) {
    Optional<PlanLimits.Limits> found = limits.tokenMetered(principal, endpointClass, tokens);
    if (found.isEmpty()) {
      return;
    }
    Gcra gcra = found.get().tokens();
    long now = ticker.getAsLong();
    states.asMap().compute(new BucketKey(PlanLimits.keyId(principal), Bucket.TOKENS), (k, s) -> gcra.debit(s, now, tokens));
  }

  /** Buckets currently held (after dropping full ones); for tests and metrics. */
  long trackedBuckets() {
    states.cleanUp();
    return states.estimatedSize();
  }

  private static Bucket bucket(EndpointClass c) {
    return switch (c) {
      case CHAT -> Bucket.CHAT;
      case IMAGES -> Bucket.IMAGES;
      case EMBEDDINGS -> Bucket.EMBEDDINGS;
      case NONE -> throw new IllegalArgumentException("NONE is not rate limited");
    };
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
}
