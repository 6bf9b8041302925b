package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class GcraTest {
  private static final long MIN = 60_000_000_000L;

  @Test
  void burstOfLimitThenOnePerInterval() {
    var g = new Gcra(10, MIN);
    Gcra.State s = null;
    for (int i = 0; i < 10; i++) {
      var d = g.acquire(s, 0, 1);
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(9 - i);
      s = d.state();
    }
    var rejected = g.acquire(s, 0, 1);
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.state()).isSameAs(s);
    assertThat(rejected.retryAfterNanos()).isEqualTo(6_000_000_000L);
    assertThat(g.acquire(s, 5_999_999_999L, 1).allowed()).isFalse();
    assertThat(g.acquire(s, 6_000_000_000L, 1).allowed()).isTrue();
  }

  @Test
  void intervalThatIsNotWholeNanosecondsIsExact() {
    var g = new Gcra(7, MIN); // 60/7 s = 8571428571.43 ns
    Gcra.State s = null;
    for (int i = 0; i < 7; i++) {
      s = g.acquire(s, 0, 1).state();
    }
    assertThat(g.acquire(s, 8_571_428_571L, 1).allowed()).isFalse();
    assertThat(g.acquire(s, 8_571_428_571L, 1).retryAfterNanos()).isEqualTo(1);
    var d = g.acquire(s, 8_571_428_572L, 1);
    assertThat(d.allowed()).isTrue();
    // after 7 intervals (exactly 60 s) the bucket is full again, without drift
    assertThat(g.untilFull(d.state(), 8_571_428_572L)).isEqualTo(MIN);
    assertThat(g.acquire(d.state(), 2 * MIN, 1).remaining()).isEqualTo(6);
  }

  @Test
  void tickerWrapAroundDoesNotMatter() {
    var g = new Gcra(2, MIN);
    long t0 = Long.MAX_VALUE - 1_000;
    Gcra.State s = g.acquire(null, t0, 1).state();
    s = g.acquire(s, t0, 1).state();
    assertThat(g.acquire(s, t0 + 29_999_999_999L, 1).allowed()).isFalse();
    assertThat(g.acquire(s, t0 + 30_000_000_000L, 1).allowed()).isTrue();
  }

  @Test
  void debitGoesIntoDebtAndIsCapped() {
    var g = new Gcra(100, MIN);
    Gcra.State s = g.debit(null, 0, 250);
    var c = g.check(s, 0);
    assertThat(c.allowed()).isFalse();
    assertThat(c.remaining()).isZero();
    // 250 units at 0.6 s each = 150 s; one unit fits once 150 - 60 + 0.6 s have passed
    assertThat(c.retryAfterNanos()).isEqualTo(90_600_000_000L);
    assertThat(g.debit(s, 0, Long.MAX_VALUE).tatNanos()).isEqualTo(Gcra.MAX_DEBT_PERIODS * MIN);
  }

  @Test
  void rejectsUnrepresentableLimits() {
    assertThatThrownBy(() -> new Gcra(0, MIN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Gcra(1_000_000_000L, MIN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Gcra(10, MIN).acquire(null, 0, 11)).isInstanceOf(IllegalArgumentException.class);
  }

  record Op(long advance, int kind, long cost) {
  }

  record Scenario(long limit, long period, long start, List<Op> ops) {
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Long> limits = Arbitraries.longs().between(1, 40);
    Arbitrary<Long> periods = Arbitraries.oneOf(Arbitraries.longs().between(1, 2_000_000), Arbitraries.just(MIN));
    Arbitrary<Long> starts = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs(), Arbitraries.just(Long.MAX_VALUE - 5));
    return Combinators.combine(limits, periods, starts).flatAs((limit, period, start) -> {
      long step = Math.max(1, period / limit);
      Arbitrary<Op> op = Combinators.combine(
          Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, 3 * step), Arbitraries.longs().between(0, 2 * period)),
          Arbitraries.integers().between(0, 2),
          Arbitraries.longs().between(1, 3 * limit)).as((adv, kind, cost) -> new Op(adv, kind, kind == 0 ? Math.min(cost, limit) : cost));
      return op.list().ofMaxSize(60).map(ops -> new Scenario(limit, period, start, ops));
    });
  }

  /** Compares with a token bucket in exact integer arithmetic: debt scaled by the period. */
  @Property(tries = 400)
  void matchesExactTokenBucket(@ForAll("scenarios") Scenario sc) {
    var g = new Gcra(sc.limit(), sc.period());
    BigInteger l = BigInteger.valueOf(sc.limit());
    BigInteger t = BigInteger.valueOf(sc.period());
    BigInteger full = l.multiply(t);
    BigInteger debt = BigInteger.ZERO; // units owed * period
    Gcra.State s = null;
    long now = sc.start();
    for (Op op : sc.ops()) {
      now += op.advance();
      debt = debt.subtract(BigInteger.valueOf(op.advance()).multiply(l)).max(BigInteger.ZERO);
      switch (op.kind()) {
        case 0, 1 -> {
          long cost = op.kind() == 0 ? op.cost() : 1;
          BigInteger need = BigInteger.valueOf(cost).multiply(t);
          boolean fits = debt.add(need).compareTo(full) <= 0;
          var d = op.kind() == 0 ? g.acquire(s, now, cost) : g.check(s, now);
          assertThat(d.allowed()).isEqualTo(fits);
          if (fits && op.kind() == 0) {
            debt = debt.add(need);
            s = d.state();
          } else {
            assertThat(d.state()).isSameAs(s);
          }
          if (!fits) {
            assertThat(d.retryAfterNanos()).isEqualTo(ceilDiv(debt.add(need).subtract(full), l));
          }
          assertThat(d.remaining()).isEqualTo(full.subtract(debt).max(BigInteger.ZERO).divide(t).longValueExact());
          assertThat(d.resetNanos()).isEqualTo(ceilDiv(debt, l));
        }
        default -> {
          s = g.debit(s, now, op.cost());
          debt = debt.add(BigInteger.valueOf(op.cost()).multiply(t));
        }
      }
      assertThat(g.untilFull(s, now)).isEqualTo(ceilDiv(debt, l));
    }
  }

  private static long ceilDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValueExact();
  }
}
