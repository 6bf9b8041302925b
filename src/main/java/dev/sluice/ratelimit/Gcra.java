package dev.sluice.ratelimit;

/**
 * The generic cell rate algorithm for one limit: {@code limit} units per {@code periodNanos}, a burst
 * of the whole limit and continuous refill (a token bucket kept as one timestamp). Pure: a state and
 * a ticker reading in, a decision with the next state out, so any store (in memory, Redis) can hold
 * the state. Only differences of ticker readings matter. The theoretical arrival time (TAT) is exact:
 * whole nanoseconds plus a remainder in units of {@code 1/limit} ns, so no rounding drifts.
 */
public final class Gcra {
  /** Debt a bucket may accumulate through {@link #debit}, in periods; beyond it usage is forgotten. */
  public static final long MAX_DEBT_PERIODS = 1440;

  /**
   * The whole state of one bucket. A null state means an untouched (full) bucket.
   *
   * @param tatNanos theoretical arrival time, whole nanoseconds on the ticker's scale
   * @param remainder fraction of a nanosecond to add to {@code tatNanos}, in units of 1/limit ns
   */
  public record State(long tatNanos, long remainder) {
    /**
     * Whether the bucket is back to its full burst at {@code now}, the same as holding no state
     * (a remainder counts as one nanosecond more, as in {@link Gcra#untilFull}).
     */
    public boolean fullAt(long now) {
      return tatNanos - now + (remainder > 0 ? 1 : 0) < 0;
    }
  }

  /**
   * The outcome of one step.
   *
   * @param allowed whether the units fit
   * @param state the state to store (the input state, possibly null, when nothing was consumed)
   * @param remaining whole units left after this step, never negative
   * @param resetNanos nanoseconds (rounded up) until the bucket is full again
   * @param retryAfterNanos when not allowed, nanoseconds (rounded up) until the same request fits
   */
  public record Decision(boolean allowed, State state, long remaining, long resetNanos, long retryAfterNanos) {
  }

  private final long limit;
  private final long period;
  private final long stepWhole;
  private final long stepRemainder;

  public Gcra(long limit, long periodNanos) {
    if (limit < 1 || periodNanos < 1) {
      throw new IllegalArgumentException("limit and period must be positive");
    }
    long product;
    try {
      product = Math.multiplyExact(limit, periodNanos);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("limit * period too large: " + limit + " per " + periodNanos + "ns");
    }
    if (product > Long.MAX_VALUE / 4) {
      throw new IllegalArgumentException("limit * period too large: " + limit + " per " + periodNanos + "ns");
    }
    this.limit = limit;
    this.period = periodNanos;
    this.stepWhole = periodNanos / limit;
    this.stepRemainder = periodNanos % limit;
  }

  public long limit() {
    return limit;
  }

  public long periodNanos() {
    return period;
  }

  /** Consumes {@code cost} units if they fit; a rejected attempt leaves the state unchanged. */
  public Decision acquire(State state, long now, long cost) {
    if (cost < 1 || cost > limit) {
      throw new IllegalArgumentException("cost must be between 1 and " + limit + ", got " + cost);
    }
    State base = normalize(state, now);
    State next = add(base, cost);
    if (fits(next, now)) {
      return new Decision(true, next, remaining(next, now), untilFull(next, now), 0);
    }
    return new Decision(false, state, remaining(base, now), untilFull(base, now), excess(next, now));
  }

  /** Whether one unit would fit now, without consuming anything. */
  public Decision check(State state, long now) {
    State base = normalize(state, now);
    State next = add(base, 1);
    boolean fits = fits(next, now);
    return new Decision(fits, state, remaining(base, now), untilFull(base, now), fits ? 0 : excess(next, now));
  }

  /**
   * Consumes {@code cost} units unconditionally (usage already happened); the bucket may go into debt,
   * which later attempts must wait out. Debt is capped at {@link #MAX_DEBT_PERIODS} periods.
   */
  public State debit(State state, long now, long cost) {
    if (cost <= 0) {
      return state;
    }
    long maxDebt = MAX_DEBT_PERIODS * period;
    State next = add(normalize(state, now), Math.min(cost, MAX_DEBT_PERIODS * limit));
    if (next.tatNanos() - now > maxDebt) {
      return new State(now + maxDebt, 0);
    }
    return next;
  }

  /** Nanoseconds (rounded up) until the state is equivalent to an untouched bucket. */
  public long untilFull(State state, long now) {
    if (state == null) {
      return 0;
    }
    State s = normalize(state, now);
    long d = s.tatNanos() - now;
    return s.remainder() > 0 ? d + 1 : d;
  }

  private State normalize(State state, long now) {
    if (state == null) {
      return new State(now, 0);
    }
    State s = state;
    if (s.remainder() < 0 || s.remainder() >= limit) {
      s = new State(s.tatNanos() + Math.ceilDiv(Math.max(0, s.remainder()), limit), 0);
    }
    if (s.tatNanos() - now < 0) {
      return new State(now, 0);
    }
    return s;
  }

  private State add(State base, long cost) {
    long whole = cost / limit * period + cost % limit * stepWhole;
    long rem = cost % limit * stepRemainder;
    whole += rem / limit;
    rem = rem % limit + base.remainder();
    if (rem >= limit) {
      rem -= limit;
      whole++;
    }
    return new State(base.tatNanos() + whole, rem);
  }

  private boolean fits(State next, long now) {
    long d = next.tatNanos() - now;
    return d < period || (d == period && next.remainder() == 0);
  }

  private long excess(State next, long now) {
    long over = next.tatNanos() - now - period;
    return next.remainder() > 0 ? over + 1 : over;
  }

  private long remaining(State s, long now) {
    long free = period - (s.tatNanos() - now);
    if (free <= 0) {
      return 0;
    }
    return Math.max(0, Math.floorDiv(free * limit - s.remainder(), period));
  }
}
