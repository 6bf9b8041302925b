package dev.sluice.ratelimit;

import dev.sluice.keys.Principal;
import dev.sluice.api.EndpointClass;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RateLimiter} for one gateway instance: one {@link Gcra} bucket per key and endpoint
 * class for requests, one per key for tokens, held in a concurrent map updated with atomic per-key
 * compute. A bucket that is full again is the same as no bucket (GCRA starts a missing or full one
 * alike), so full buckets are swept out every {@link #SWEEP_NANOS} off the request's thread: memory
 * follows the keys active within the last minute and a few seconds (plus keys still in token debt).
 * A plain map, not a cache with per-entry expiry, because every request writes its bucket: a cache's
 * upkeep on each write cost more than the limiting itself.
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

  /** How often full buckets are swept out. */
  static final long SWEEP_NANOS = 5_000_000_000L;

  private final PlanLimits limits;
  private final LongSupplier ticker;
  private final Clock wallClock;
  private final ConcurrentHashMap<BucketKey, Gcra.State> states = new ConcurrentHashMap<>();
  private final Executor sweeper;
  private final AtomicLong nextSweep;

  private InMemoryRateLimiter(Plans plans, LongSupplier nanoTicker, Clock wallClock, Executor sweeper) {
    this.limits = new PlanLimits(Objects.requireNonNull(plans, "plans"));
    this.ticker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    this.sweeper = Objects.requireNonNull(sweeper, "sweeper");
    this.nextSweep = new AtomicLong(ticker.getAsLong() + SWEEP_NANOS);
  }

  /**
   * @param plans the configured plans
   * @param nanoTicker monotonic nanoseconds ({@code System::nanoTime} in production)
   * @param wallClock for the epoch-second reset headers
   */
  public static InMemoryRateLimiter create(Plans plans, LongSupplier nanoTicker, Clock wallClock) {
    return new InMemoryRateLimiter(plans, nanoTicker, wallClock, ForkJoinPool.commonPool());
  }

  /** {@link #create(Plans, LongSupplier, Clock)} whose sweeps run on {@code sweeper}. */
  static InMemoryRateLimiter create(Plans plans, LongSupplier nanoTicker, Clock wallClock, Executor sweeper) {
    return new InMemoryRateLimiter(plans, nanoTicker, wallClock, sweeper);
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
        : tokenGcra.check(states.get(new BucketKey(keyId, Bucket.TOKENS)), now);

    Gcra requestGcra = pl.requests().get(endpointClass);
    BucketKey requestKey = new BucketKey(keyId, bucket(endpointClass));
    Gcra.Decision requests;
    if (tokens != null && !tokens.allowed()) {
      requests = requestGcra.check(states.get(requestKey), now);
    } else {
      Gcra.Decision[] out = new Gcra.Decision[1];
      states.compute(requestKey, (k, s) -> {
        // read under the key's lock, so that concurrent admissions of a key see the ticker in order
        out[0] = requestGcra.acquire(s, ticker.getAsLong(), 1);
        return out[0].state();
      });
      requests = out[0];
    }
    sweepWhenDue(now);
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
    states.compute(new BucketKey(PlanLimits.keyId(principal), Bucket.TOKENS), (k, s) -> gcra.debit(s, now, tokens));
  }

  /** Buckets currently held (after dropping full ones); for tests and metrics. */
  long trackedBuckets() {
    sweep(ticker.getAsLong());
    return states.size();
  }

  /** Buckets in the map, swept or not. */
  int heldBuckets() {
    return states.size();
  }

  /** Hands a sweep to the sweeper once per {@link #SWEEP_NANOS}: one caller wins the slot. */
  private void sweepWhenDue(long now) {
    long due = nextSweep.get();
    if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_NANOS)) {
      sweeper.execute(() -> sweep(ticker.getAsLong()));
    }
  }

  /**
   * Drops the buckets that are full at {@code now}. A bucket updated meanwhile stays: it is removed
   * only if it still holds the state that was found full.
   */
  private void sweep(long now) {
    states.forEach((k, s) -> {
      if (s.fullAt(now)) {
        states.remove(k, s);
      }
    });
  }

  private static Bucket bucket(EndpointClass c) {
    return switch (c) {
      case CHAT -> Bucket.CHAT;
      case IMAGES -> Bucket.IMAGES;
      case EMBEDDINGS -> Bucket.EMBEDDINGS;
      case NONE -> throw new IllegalArgumentException("NONE is not rate limited");
    };
  }
}
