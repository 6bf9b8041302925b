package dev.sluice.accounts;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccountPoolTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final AccountRegistry registry = new AccountRegistry();
  private final AccountPool pool = new AccountPool(registry, clock,
      new PoolSettings(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1), 1000));

  private void add(String... ids) {
    for (String id : ids) {
      registry.put(AccountStoreTest.account(id, id + "@example.com"));
    }
  }

  private String pick(String session, String... exclude) {
    AccountPool.Selection s = pool.select(session, Set.of(exclude));
    assertThat(s).isInstanceOf(AccountPool.Chosen.class);
    return ((AccountPool.Chosen) s).accountId();
  }

  private ApiError none(String session, String... exclude) {
    AccountPool.Selection s = pool.select(session, Set.of(exclude));
    assertThat(s).isInstanceOf(AccountPool.Unavailable.class);
    return ((AccountPool.Unavailable) s).error();
  }

  private void used(String id, double primary, double secondary) {
    long reset = clock.instant().plusSeconds(3600).getEpochSecond();
    pool.onResponseHeaders(id, Map.of(
        "X-Codex-Primary-Used-Percent", Double.toString(primary), "x-codex-primary-window-minutes", "300",
        "x-codex-primary-reset-at", Long.toString(reset),
        "x-codex-secondary-used-percent", Double.toString(secondary), "x-codex-secondary-window-minutes", "10080",
        "x-codex-secondary-reset-at", Long.toString(reset + 86_400)));
  }

  private static JsonNode json(String s) throws Exception {
    return Json.parse(s);
  }

  @Test
  void picksTheAccountWithTheMostRemainingCapacity() {
    add("a", "b", "c");
    used("a", 80, 10);
    used("b", 10, 20);
    used("c", 5, 95);
    assertThat(pick(null)).isEqualTo("b");
  }

  @Test
  void spreadsRequestsWithoutSessionOverEquallyFreshAccounts() {
    add("a", "b");
    assertThat(Set.of(pick(null), pick(null))).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aSessionStaysOnItsAccountWhileItIsUsable() {
    add("a", "b");
    used("a", 50, 0);
    used("b", 10, 0);
    assertThat(pick("session-1")).isEqualTo("b");
    used("b", 70, 0);
    assertThat(pick("session-1")).isEqualTo("b");
    assertThat(pick("session-2")).isEqualTo("a");

    pool.onUsageLimitReached("b", null);
    assertThat(pick("session-1")).isEqualTo("a");
    clock.advance(Duration.ofMinutes(6));
    assertThat(pick("session-1")).isEqualTo("a");
  }

  @Test
  void usageLimitPutsTheAccountOnCooldownUntilItsReset() throws Exception {
    add("a", "b");
    used("a", 0, 0);
    used("b", 50, 0);
    pool.onUsageLimitReached("a", json("""
        {"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus",
        "resets_in_seconds":120}}"""));
    assertThat(pick(null)).isEqualTo("b");
    assertThat(pool.status().get(0).cooldownUntil()).isEqualTo(clock.instant().plusSeconds(120));
    clock.advance(Duration.ofSeconds(119));
    assertThat(pick(null)).isEqualTo("b");
    clock.advance(Duration.ofSeconds(1));
    assertThat(pick(null)).isEqualTo("a");
  }

  @Test
  void whenEveryAccountIsExhaustedAnswers429WithTheEarliestReset() throws Exception {
    add("a", "b");
    long resetA = clock.instant().plusSeconds(7200).getEpochSecond();
    pool.onUsageLimitReached("a", json("{\"error\":{\"type\":\"usage_limit_reached\",\"resets_at\":" + resetA + "}}"));
    pool.onUsageLimitReached("b", json("{\"error\":{\"type\":\"usage_limit_reached\",\"resets_in_seconds\":1800}}"));
    clock.advance(Duration.ofMillis(500));
    ApiError e = none("s");
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.code()).isEqualTo("usage_limit_reached");
    assertThat(e.headers()).containsEntry("Retry-After", "1800").containsEntry("retry-after-ms", "1799500");
  }

  @Test
  void aWindowReportedFullCountsAsExhaustedUntilItResets() throws Exception {
    add("a");
    long reset = clock.instant().plusSeconds(600).getEpochSecond();
    pool.onRateLimitsEvent("a", json("""
        {"type":"codex.rate_limits","rate_limits":{"primary":{"used_percent":100,"window_minutes":300,
        "resets_at":%d},"secondary":{"used_percent":40,"window_minutes":10080,"resets_in_seconds":90000}}}"""
        .formatted(reset)));
    ApiError e = none(null);
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.headers()).containsEntry("Retry-After", "600");
    assertThat(pool.status().get(0).secondary().windowMinutes()).isEqualTo(10080);
    clock.advance(Duration.ofSeconds(600));
    assertThat(pick(null)).isEqualTo("a");
  }

  @Test
  void aResetDueNowRestsTheAccountForSecondsNotTheDefaultCooldown() throws Exception {
    add("a");
    clock.advance(Duration.ofMillis(700));
    long passed = clock.instant().getEpochSecond();
    for (int in : new int[] {0, 1}) {
      pool.onUsageLimitReached("a", json("{\"error\":{\"type\":\"usage_limit_reached\",\"resets_at\":" + passed
          + ",\"resets_in_seconds\":" + in + "}}"));
      ApiError e = none(null);
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.headers()).containsEntry("Retry-After", "1");
      clock.advance(Duration.ofSeconds(1));
      assertThat(pick(null)).isEqualTo("a");
    }
  }

  @Test
  void aPassedResetWithoutSecondsFallsBackToTheDefaultCooldown() throws Exception {
    add("a");
    long passed = clock.instant().minusSeconds(5).getEpochSecond();
    pool.onUsageLimitReached("a", json("{\"error\":{\"type\":\"usage_limit_reached\",\"resets_at\":" + passed + "}}"));
    assertThat(pool.status().get(0).cooldownUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
  }

  @Test
  void usageLimitWithoutResetUsesAKnownFullWindowOrTheDefaultCooldown() throws Exception {
    add("a", "b");
    pool.onUsageLimitReached("a", json("{\"error\":{\"type\":\"usage_limit_reached\"}}"));
    assertThat(pool.status().get(0).cooldownUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    used("b", 100, 10);
    pool.onUsageLimitReached("b", json("{\"detail\":\"limit\"}"));
    assertThat(pool.status().get(1).cooldownUntil()).isEqualTo(clock.instant().plusSeconds(3600));
  }

  @Test
  void repeatedFailuresBackOffExponentially() {
    add("a", "b");
    used("b", 90, 90);
    pool.onFailure("a");
    assertThat(pick(null)).as("one failure is not yet a pattern").isEqualTo("a");
    pool.onFailure("a");
    assertThat(pick(null)).isEqualTo("b");
    clock.advance(Duration.ofSeconds(2));
    assertThat(pick(null)).isEqualTo("a");
    pool.onFailure("a");
    clock.advance(Duration.ofSeconds(3));
    assertThat(pick(null)).isEqualTo("b");
    clock.advance(Duration.ofSeconds(1));
    assertThat(pick(null)).isEqualTo("a");
    for (int i = 0; i < 10; i++) {
      pool.onFailure("a");
    }
    assertThat(pool.status().get(0).backoffUntil()).isEqualTo(clock.instant().plusSeconds(30));
    pool.onSuccess("a");
    assertThat(pick(null)).isEqualTo("a");
    assertThat(pool.status().get(0).consecutiveFailures()).isZero();
  }

  @Test
  void everyAccountBackingOffIs503NoAccountsWithRetryAfter() {
    add("a");
    pool.onFailure("a");
    pool.onFailure("a");
    ApiError e = none(null);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("no_accounts");
    assertThat(e.headers()).containsEntry("Retry-After", "2");
  }

  @Test
  void excludedAccountsAreSkippedAndExcludingAllIs503NoAccounts() {
    add("a", "b");
    assertThat(pick("s", "a")).isEqualTo("b");
    ApiError e = none("s", "a", "b");
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("no_accounts");
    assertThat(e.headers()).doesNotContainKey("Retry-After");
  }

  @Test
  void noSignedInAccountIs503OauthUnavailable() {
    ApiError empty = none(null);
    assertThat(empty.status()).isEqualTo(503);
    assertThat(empty.code()).isEqualTo("oauth_unavailable");
    Account a = AccountStoreTest.account("a", "a@example.com");
    registry.put(a.needingSignIn("refresh_token_reused", clock.instant()));
    ApiError allDead = none(null);
    assertThat(allDead.code()).isEqualTo("oauth_unavailable");
    assertThat(allDead.message()).contains("sign in again");
    registry.put(AccountStoreTest.account("b", "b@example.com"));
    assertThat(pick(null)).isEqualTo("b");
  }

  @Test
  void statusReportsLimitsAndNoTokens() throws Exception {
    add("a");
    used("a", 12.5, 40);
    AccountStatus s = pool.status().get(0);
    assertThat(s.primary().usedPercent()).isEqualTo(12.5);
    assertThat(s.primary().windowMinutes()).isEqualTo(300);
    assertThat(s.primary().resetsAt()).isEqualTo(clock.instant().plusSeconds(3600));
    assertThat(s.secondary().usedPercent()).isEqualTo(40);
    assertThat(s.email()).isEqualTo("a@example.com");
    assertThat(s.toString()).doesNotContain("rt-SECRET", registry.get("a").orElseThrow().tokens().accessToken());
    pool.onUsageSnapshot("a", json("""
        {"plan_type":"plus","rate_limit":{"allowed":true,"limit_reached":false,
        "primary_window":{"used_percent":33,"limit_window_seconds":18000,"reset_after_seconds":100}}}"""));
    assertThat(pool.status().get(0).primary().usedPercent()).isEqualTo(33);
    assertThat(pool.status().get(0).primary().windowMinutes()).isEqualTo(300);
    assertThat(pool.status().get(0).secondary().usedPercent()).isEqualTo(40);
  }

  @Test
  void aBindingFromAnotherInstanceHoldsTheSessionOnItsAccount() {
    add("a", "b");
    used("a", 10, 0);
    used("b", 50, 0);
    pool.bind(new AccountPool.SessionBinding(AccountPool.sessionHash("session-1"), "b", clock.millis()));
    assertThat(pick("session-1")).isEqualTo("b");
    assertThat(pick("session-2")).isEqualTo("a");
  }

  @Test
  void theLaterOfTwoBindingsWinsOnEveryInstance() {
    add("a", "b");
    List<AccountPool.SessionBinding> announced = new ArrayList<>();
    pool.onBinding(announced::add);
    assertThat(pick("session-1")).isEqualTo("a");
    assertThat(announced).singleElement().satisfies(b -> {
      assertThat(b.sessionHash()).isEqualTo(AccountPool.sessionHash("session-1")).doesNotContain("session");
      assertThat(b.accountId()).isEqualTo("a");
      assertThat(b.boundAtMillis()).isEqualTo(clock.millis());
    });
    String hash = AccountPool.sessionHash("session-1");
    pool.bind(new AccountPool.SessionBinding(hash, "b", clock.millis() - 1));
    assertThat(pick("session-1")).as("an earlier binding elsewhere loses").isEqualTo("a");
    pool.bind(new AccountPool.SessionBinding(hash, "b", clock.millis() + 1));
    assertThat(pick("session-1")).as("a later binding elsewhere wins").isEqualTo("b");
    assertThat(announced).as("keeping a binding announces nothing").hasSize(1);
  }

  @Test
  void aReBindingIsLaterThanTheBindingItReplacesEvenOnASlowClock() throws Exception {
    add("a", "b");
    List<AccountPool.SessionBinding> announced = new ArrayList<>();
    pool.onBinding(announced::add);
    long ahead = clock.millis() + 60_000;
    pool.bind(new AccountPool.SessionBinding(AccountPool.sessionHash("session-1"), "a", ahead));
    pool.onUsageLimitReached("a", json("{\"error\":{\"type\":\"usage_limit_reached\",\"resets_in_seconds\":60}}"));
    assertThat(pick("session-1")).isEqualTo("b");
    assertThat(announced).singleElement().satisfies(b -> {
      assertThat(b.accountId()).isEqualTo("b");
      assertThat(b.boundAtMillis()).isEqualTo(ahead + 1);
    });
  }

  @Test
  void aWindowSeenFullIsAnnouncedAsACooldownUntilItsResetOnce() {
    add("a", "b");
    Map<String, Instant> cooldowns = new LinkedHashMap<>();
    List<String> calls = new ArrayList<>();
    pool.onCooldown((id, until) -> {
      cooldowns.put(id, until);
      calls.add(id);
    });
    used("a", 40, 0);
    assertThat(calls).isEmpty();
    used("a", 100, 0);
    used("a", 100, 0);
    assertThat(calls).containsExactly("a");
    assertThat(cooldowns.get("a")).isEqualTo(Instant.ofEpochSecond(clock.instant().plusSeconds(3600).getEpochSecond()));
  }

  @Test
  void windowsAreAnnouncedWhenTheyMoveAndAppliedUnlessOlderThanWhatIsKnown() {
    add("a", "b");
    List<AccountPool.WindowsSeen> announced = new ArrayList<>();
    pool.onWindows(announced::add);
    used("a", 10.2, 0);
    used("a", 10.7, 0);
    assertThat(announced).as("the same whole percent is not announced again").hasSize(1);
    used("a", 11, 0);
    assertThat(announced).hasSize(2);
    assertThat(announced.get(1).primary().usedPercent()).isEqualTo(11);

    AccountPool other = new AccountPool(registry, clock,
        new PoolSettings(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1), 1000));
    other.applyWindows(announced.get(1));
    AccountPool.WindowsSeen older = new AccountPool.WindowsSeen("a", new RateWindow(90, 300, null), null,
        clock.instant().minusSeconds(1));
    other.applyWindows(older);
    assertThat(other.status().get(0).primary().usedPercent()).as("an older report is ignored").isEqualTo(11);
    other.applyWindows(new AccountPool.WindowsSeen("b", new RateWindow(90, 300, null), null, clock.instant()));
    assertThat(((AccountPool.Chosen) other.select(null, Set.of())).accountId())
        .as("the windows another instance read weigh in the choice").isEqualTo("a");
  }

  @Test
  void accountStateLinesCarryBindingsAndWindows() {
    add("a", "b");
    AccountPool other = new AccountPool(registry, clock,
        new PoolSettings(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1), 1000));
    List<String> lines = new ArrayList<>();
    pool.onBinding(b -> lines.add(SharedAccountState.line(b)));
    pool.onWindows(w -> lines.add(SharedAccountState.line(w)));
    used("b", 97.5, 30);
    assertThat(pick("session-1")).isEqualTo("a");
    assertThat(lines).hasSize(2).noneMatch(l -> l.contains("session-1"));
    lines.forEach(l -> SharedAccountState.apply(other, l));
    assertThat(other.status().get(1).primary()).isEqualTo(pool.status().get(1).primary());
    assertThat(other.status().get(1).secondary()).isEqualTo(pool.status().get(1).secondary());
    other.applyWindows(new AccountPool.WindowsSeen("a", new RateWindow(99, 300, null), null, clock.instant()));
    assertThat(((AccountPool.Chosen) other.select("session-1", Set.of())).accountId())
        .as("the binding made on the first pool holds on the second").isEqualTo("a");
  }
}
