package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Config;
import dev.sluice.error.GatewayException;
import dev.sluice.keys.Principal;
import dev.sluice.api.EndpointClass;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryRateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  // ticker origin far from zero and near overflow, as System.nanoTime may be
  private final FakeTime time = new FakeTime(Long.MAX_VALUE - 30 * SECOND, Instant.parse("2026-01-01T00:00:00.250Z"));
  private final Plans plans = Plans.fromConfig(Config.fromYaml("""
      plans:
        seven: {chat_rpm: 7, images_rpm: 2, embeddings_rpm: 3, tpm: 1000}
      """, Map.of()));
  private final InMemoryRateLimiter limiter = InMemoryRateLimiter.create(plans, time, time);

  private static Principal key(String id, String plan) {
    return new Principal(id, "name-" + id, plan, Set.of());
  }

  private static Admission now(Future<Admission> f) {
    assertThat(f.isComplete()).as("admit never waits").isTrue();
    return f.result();
  }

  private Admission admit(Principal p, EndpointClass c) {
    return now(limiter.admit(p, c));
  }

  private Admission exhaust(Principal p, EndpointClass c, int n) {
    Admission last = null;
    for (int i = 0; i < n; i++) {
      last = admit(p, c);
      assertThat(last.admitted()).isTrue();
    }
    return last;
  }

  @Test
  void freePlanAdmitsTenChatRequestsThenOneEverySixSeconds() {
    Principal k = key("k1", "free");
    exhaust(k, EndpointClass.CHAT, 10);
    Admission rejected = admit(k, EndpointClass.CHAT);
    assertThat(rejected.admitted()).isFalse();
    assertThat(rejected.retryAfterSeconds()).isEqualTo(6);

    time.advanceNanos(6 * SECOND - 1);
    assertThat(admit(k, EndpointClass.CHAT).retryAfterSeconds()).isEqualTo(1);
    time.advanceNanos(1);
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isTrue();
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isFalse();
  }

  @Test
  void oneMoreIsAdmittedAfterExactlySixtyOverLimitSeconds() {
    Principal k = key("k1", "seven");
    exhaust(k, EndpointClass.CHAT, 7);
    Admission rejected = admit(k, EndpointClass.CHAT);
    assertThat(rejected.retryAfterSeconds()).isEqualTo(9); // 8.571 s, rounded up
    time.advanceNanos(8_571_428_571L); // 60/7 s is 8 571 428 571.43 ns
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isFalse();
    time.advanceNanos(1);
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isTrue();
  }

  @Test
  void rejectedRequestsAreNotCounted() {
    Principal k = key("k1", "free");
    exhaust(k, EndpointClass.CHAT, 10);
    for (int i = 0; i < 100; i++) {
      time.advanceMillis(50);
      assertThat(admit(k, EndpointClass.CHAT).admitted()).isFalse();
    }
    time.advanceMillis(1000); // 6 s since the burst
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isTrue();
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isFalse();
    time.advanceNanos(60 * SECOND);
    Admission full = admit(k, EndpointClass.CHAT);
    assertThat(full.headers()).containsEntry("X-RateLimit-Remaining-Requests", "9");
  }

  @Test
  void retryAfterIsWholeSecondsUntilAdmissionRoundedUp() {
    Principal k = key("k1", "free");
    exhaust(k, EndpointClass.CHAT, 10);
    time.advanceMillis(500);
    Admission a = admit(k, EndpointClass.CHAT);
    assertThat(a.retryAfterSeconds()).isEqualTo(6); // 5.5 s
    assertThat(a.headers()).containsEntry("retry-after-ms", "5500");
    time.advanceMillis(5_499);
    a = admit(k, EndpointClass.CHAT);
    assertThat(a.retryAfterSeconds()).isEqualTo(1); // 1 ms
    assertThat(a.headers()).containsEntry("retry-after-ms", "1");
  }

  @Test
  void exactlyTheLimitIsAdmittedUnderConcurrency() throws Exception {
    int threads = 8;
    int perThread = 25;
    Principal k = key("busy", "seven");
    var results = new ConcurrentLinkedQueue<Admission>();
    var start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(Thread.ofPlatform().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          results.add(now(limiter.admit(k, EndpointClass.CHAT)));
        }
      }));
    }
    start.countDown();
    for (Thread w : workers) {
      assertThat(w.join(java.time.Duration.ofSeconds(30))).isTrue();
    }
    assertThat(results).hasSize(threads * perThread);
    assertThat(results.stream().filter(Admission::admitted).count()).isEqualTo(7);
    assertThat(results.stream().filter(a -> !a.admitted()))
        .allSatisfy(a -> {
          assertThat(a.retryAfterSeconds()).isEqualTo(9);
          assertThat(a.headers()).containsEntry("X-RateLimit-Remaining-Requests", "0")
              .containsEntry("retry-after-ms", "8572");
        });
    assertThat(results.stream().filter(Admission::admitted).map(a -> a.headers().get("X-RateLimit-Remaining-Requests")))
        .containsExactlyInAnyOrder("6", "5", "4", "3", "2", "1", "0");
  }

  @Test
  void headersCarryLimitRemainingAndBothResetForms() {
    Principal k = key("k1", "free");
    Admission a = admit(k, EndpointClass.CHAT);
    assertThat(a.headers()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "X-RateLimit-Limit-Requests", "10",
        "X-RateLimit-Remaining-Requests", "9",
        "X-RateLimit-Reset-Requests", "6s",
        "X-RateLimit-Reset-Requests-Epoch", "1767225607", // 2026-01-01T00:00:06.25Z rounded up
        "X-RateLimit-Limit-Tokens", "20000",
        "X-RateLimit-Remaining-Tokens", "20000",
        "X-RateLimit-Reset-Tokens", "0s",
        "X-RateLimit-Reset-Tokens-Epoch", "1767225601"));

    time.advanceMillis(1_500);
    limiter.recordTokens(k, EndpointClass.CHAT, 500);
    a = admit(k, EndpointClass.CHAT);
    // 2 requests: 12 s to refill from 1.5 s in = 10.5 s left; 500 tokens at 3 ms each = 1.5 s
    assertThat(a.headers())
        .containsEntry("X-RateLimit-Remaining-Requests", "8")
        .containsEntry("X-RateLimit-Reset-Requests", "10.5s")
        .containsEntry("X-RateLimit-Reset-Requests-Epoch", "1767225613")
        .containsEntry("X-RateLimit-Remaining-Tokens", "19500")
        .containsEntry("X-RateLimit-Reset-Tokens", "1.5s")
        .containsEntry("X-RateLimit-Reset-Tokens-Epoch", "1767225604");
  }

  @Test
  void headerNamesDoNotCollideInACaseInsensitiveHeaderMap() {
    Principal k = key("k1", "free");
    exhaust(k, EndpointClass.CHAT, 10);
    Admission a = admit(k, EndpointClass.CHAT);
    MultiMap wire = MultiMap.caseInsensitiveMultiMap();
    a.toError().headers().forEach(wire::add);
    assertThat(wire.size()).isEqualTo(a.toError().headers().size());
    for (String name : wire.names()) {
      assertThat(wire.getAll(name)).as(name).hasSize(1);
    }
    // OpenAI's lower-case names read OpenAI's formats
    assertThat(wire.get("x-ratelimit-limit-requests")).isEqualTo("10");
    assertThat(wire.get("x-ratelimit-remaining-requests")).isEqualTo("0");
    assertThat(wire.get("x-ratelimit-reset-requests")).isEqualTo("1m0s");
    assertThat(wire.get("x-ratelimit-limit-tokens")).isEqualTo("20000");
    assertThat(wire.get("x-ratelimit-remaining-tokens")).isEqualTo("20000");
    assertThat(wire.get("x-ratelimit-reset-tokens")).isEqualTo("0s");
    assertThat(wire.get("x-ratelimit-reset-requests-epoch")).isEqualTo("1767225661");
    assertThat(wire.get("retry-after")).isEqualTo("6");
    assertThat(wire.get("retry-after-ms")).isEqualTo("6000");
  }

  @Test
  void rejectionIsA429RateLimitError() {
    Principal k = key("k1", "free");
    exhaust(k, EndpointClass.IMAGES, 5);
    Admission a = admit(k, EndpointClass.IMAGES);
    var e = a.toError();
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.type()).isEqualTo("rate_limit_error");
    assertThat(e.code()).isEqualTo("rate_limit_exceeded");
    assertThat(e.message()).isEqualTo("Rate limit reached for requests per min (RPM) on images endpoints: "
        + "Limit 5, Remaining 0. Please try again in 12s.");
    assertThat(e.headers()).containsEntry("Retry-After", "12")
        .containsEntry("X-RateLimit-Limit-Requests", "5")
        .doesNotContainKey("X-RateLimit-Limit-Tokens");
    assertThat(RateLimitHeaders.rejection(a)).isEqualTo(e);
    assertThatThrownBy(() -> admit(key("k2", "free"), EndpointClass.IMAGES).toError())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysAndEndpointClassesHaveSeparateLimits() {
    Principal a = key("a", "free");
    Principal b = key("b", "free");
    exhaust(a, EndpointClass.CHAT, 10);
    assertThat(admit(a, EndpointClass.CHAT).admitted()).isFalse();
    assertThat(admit(b, EndpointClass.CHAT).admitted()).isTrue();
    Admission images = exhaust(a, EndpointClass.IMAGES, 5);
    assertThat(images.headers()).containsEntry("X-RateLimit-Limit-Requests", "5")
        .containsEntry("X-RateLimit-Remaining-Requests", "0");
    assertThat(admit(a, EndpointClass.IMAGES).admitted()).isFalse();
    Admission emb = admit(a, EndpointClass.EMBEDDINGS);
    assertThat(emb.admitted()).isTrue();
    assertThat(emb.headers()).containsEntry("X-RateLimit-Limit-Requests", "20")
        .containsEntry("X-RateLimit-Remaining-Requests", "19");
  }

  @Test
  void plansApplyTheirOwnLimits() {
    assertThat(admit(key("s", "standard"), EndpointClass.CHAT).headers()).containsEntry("X-RateLimit-Limit-Requests", "60");
    assertThat(admit(key("p", "Pro"), EndpointClass.IMAGES).headers()).containsEntry("X-RateLimit-Limit-Requests", "60");
    assertThat(admit(key("p", "pro"), EndpointClass.CHAT).headers()).containsEntry("X-RateLimit-Limit-Requests", "300");
  }

  @Test
  void tokenUsageIsDebitedAfterwardsAndBlocksUntilRepaid() {
    Principal k = key("t", "seven"); // 1000 tokens per minute: one token per 60 ms
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isTrue();
    limiter.recordTokens(k, EndpointClass.CHAT, 1_500);

    Admission chat = admit(k, EndpointClass.CHAT);
    assertThat(chat.admitted()).isFalse();
    // 1500 tokens = 90 s to repay; one token is available 90 - 60 + 0.06 s later
    assertThat(chat.retryAfterSeconds()).isEqualTo(31);
    assertThat(chat.headers()).containsEntry("X-RateLimit-Remaining-Tokens", "0")
        .containsEntry("X-RateLimit-Reset-Tokens", "1m30s")
        .containsEntry("X-RateLimit-Remaining-Requests", "6")
        .containsEntry("retry-after-ms", "30060");
    assertThat(chat.toError().message()).startsWith("Rate limit reached for tokens per min (TPM): Limit 1000");
    assertThat(admit(k, EndpointClass.EMBEDDINGS).admitted()).as("tokens are shared with embeddings").isFalse();
    assertThat(admit(k, EndpointClass.IMAGES).admitted()).as("images are not token metered").isTrue();
    assertThat(admit(k, EndpointClass.IMAGES).headers()).doesNotContainKey("X-RateLimit-Limit-Tokens");

    time.advanceMillis(30_059);
    assertThat(admit(k, EndpointClass.CHAT).admitted()).isFalse();
    time.advanceMillis(1);
    Admission ok = admit(k, EndpointClass.CHAT);
    assertThat(ok.admitted()).isTrue();
    assertThat(ok.headers()).containsEntry("X-RateLimit-Remaining-Requests", "6")
        .containsEntry("X-RateLimit-Remaining-Tokens", "1");
  }

  @Test
  void tokensOfOtherClassesAndUnlimitedKeysAreIgnored() {
    Principal k = key("t", "seven");
    limiter.recordTokens(k, EndpointClass.IMAGES, 5_000);
    limiter.recordTokens(k, EndpointClass.CHAT, 0);
    limiter.recordTokens(key("u", null), EndpointClass.CHAT, 5_000);
    limiter.recordTokens(key("x", "nonexistent"), EndpointClass.CHAT, 5_000);
    assertThat(admit(k, EndpointClass.CHAT).headers()).containsEntry("X-RateLimit-Remaining-Tokens", "1000");
  }

  @Test
  void keysWithoutAPlanAndUnmeteredEndpointsAreUnlimited() {
    Principal none = key("u", null);
    for (int i = 0; i < 1000; i++) {
      assertThat(admit(none, EndpointClass.CHAT)).isEqualTo(Admission.UNLIMITED);
    }
    assertThat(admit(key("e", " "), EndpointClass.CHAT).headers()).isEmpty();
    assertThat(admit(key("f", "free"), EndpointClass.NONE)).isEqualTo(Admission.UNLIMITED);
  }

  @Test
  void aKeyNamingAnUnconfiguredPlanIsRefused() {
    Future<Admission> f = limiter.admit(key("g", "gold"), EndpointClass.CHAT);
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(GatewayException.class);
    var e = ((GatewayException) f.cause()).error();
    assertThat(e.code()).isEqualTo("plan_not_configured");
    assertThat(e.message()).contains("'gold'");
  }

  @Test
  void idleBucketsAreDroppedOnceFull() {
    for (int i = 0; i < 500; i++) {
      admit(key("k" + i, "free"), EndpointClass.CHAT);
    }
    limiter.recordTokens(key("debtor", "seven"), EndpointClass.CHAT, 2_000); // two minutes of debt
    assertThat(limiter.trackedBuckets()).isEqualTo(501);
    time.advanceNanos(6 * SECOND + 1);
    assertThat(limiter.trackedBuckets()).isEqualTo(1);
    time.advanceNanos(114 * SECOND);
    assertThat(limiter.trackedBuckets()).isZero();
    assertThat(admit(key("debtor", "seven"), EndpointClass.CHAT).headers())
        .containsEntry("X-RateLimit-Remaining-Tokens", "1000");
  }

  @Test
  void fullBucketsAreSweptOffTheRequestsThreadOncePerPeriod() {
    List<Runnable> sweeps = new ArrayList<>();
    InMemoryRateLimiter swept = InMemoryRateLimiter.create(plans, time, time, sweeps::add);
    for (int i = 0; i < 3; i++) {
      swept.admitNow(key("k" + i, "free"), EndpointClass.CHAT);
    }
    assertThat(sweeps).as("no sweep before its period").isEmpty();
    time.advanceNanos(InMemoryRateLimiter.SWEEP_NANOS + 6 * SECOND);
    swept.admitNow(key("new", "free"), EndpointClass.CHAT);
    swept.admitNow(key("new2", "free"), EndpointClass.CHAT);
    assertThat(sweeps).as("one sweep handed over, not run by the request").hasSize(1);
    assertThat(swept.heldBuckets()).isEqualTo(5);
    sweeps.get(0).run();
    assertThat(swept.heldBuckets()).as("the three full buckets gone, the two fresh ones kept").isEqualTo(2);
    assertThat(swept.admitNow(key("k0", "free"), EndpointClass.CHAT).headers())
        .as("a swept key starts full, as a key never seen").isEqualTo(swept.admitNow(key("never-seen", "free"), EndpointClass.CHAT).headers());
  }
}
