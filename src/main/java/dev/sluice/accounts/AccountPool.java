package dev.sluice.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.error.ApiError;
import dev.sluice.ratelimit.RateLimitHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Chooses the ChatGPT account for each upstream request.
 *
 * <p>Usable accounts are the signed-in ones ({@link AccountState#ACTIVE}) that are not on
 * usage-limit cooldown, not backed off after repeated failures, and not known to be at 100% of a
 * window that has not reset yet. Among them a session key (prompt_cache_key or session id) keeps
 * its account while that account stays usable, so prompt caches keep hitting; otherwise the account
 * with the most remaining capacity (the smaller of its primary and secondary windows; unknown counts
 * as full) wins, least recently picked first on ties.
 *
 * <p>Sessions are remembered by the SHA-256 of their key, never the key itself. Each binding carries
 * when it was made; a binding another instance made ({@link #bind}) replaces the local one only when
 * it is later (ties: the smaller account id), so instances that bound one session concurrently settle
 * on the same account once each has seen the other's binding. A re-binding is always later than the
 * binding it replaces, even on a clock behind the other instances'.
 *
 * <p>When nothing is usable, {@link #select} answers:
 * <ul>
 *   <li>503 {@code oauth_unavailable} when no account is signed in at all (none configured, or every
 *       one needs to sign in again);</li>
 *   <li>429 {@code usage_limit_reached} with {@code Retry-After} (seconds until the earliest account is
 *       available again) when at least one signed-in account is out on a usage limit;</li>
 *   <li>503 {@code no_accounts} otherwise (every signed-in account is backing off after failures or
 *       was excluded by the caller), with {@code Retry-After} when an end of back-off is known.</li>
 * </ul>
 *
 * <p>All methods are non-blocking and thread-safe; time comes from the injected clock.
 */
public final class AccountPool {
  /** The outcome of {@link #select}. */
  public sealed interface Selection permits Chosen, Unavailable {
  }

  /** Use this account (get its token from {@link TokenManager#token}). */
  public record Chosen(Account account) implements Selection {
    public String accountId() {
      return account.id();
    }
  }

  /** No account can take the request: answer {@code error}. */
  public record Unavailable(ApiError error) implements Selection {
  }

  private record Health(RateWindow primary, RateWindow secondary, Instant observedAt, Instant cooldownUntil,
                        int failures, Instant backoffUntil, long lastPick) {
    static final Health EMPTY = new Health(null, null, null, null, 0, null, 0);
  }

  /**
   * A session bound to an account: {@code sessionHash} is {@link #sessionHash} of the session key,
   * {@code boundAtMillis} when (epoch ms) the binding was made.
   */
  public record SessionBinding(String sessionHash, String accountId, long boundAtMillis) {
  }

  /** Usage windows read from an answer of the account ({@code null} for a window it did not report). */
  public record WindowsSeen(String accountId, RateWindow primary, RateWindow secondary, Instant observedAt) {
  }

  private record Binding(String accountId, long boundAtMillis) {
    boolean laterThan(Binding o) {
      return boundAtMillis != o.boundAtMillis ? boundAtMillis > o.boundAtMillis : accountId.compareTo(o.accountId) < 0;
    }
  }

  /** The shortest rest after a usage limit whose named reset is due now. */
  static final Duration MIN_USAGE_COOLDOWN = Duration.ofSeconds(1);

  private final AccountRegistry registry;
  private final Clock clock;
  private final PoolSettings settings;
  private final ConcurrentHashMap<String, Health> health = new ConcurrentHashMap<>();
  private final Cache<String, Binding> sticky;
  private final AtomicLong picks = new AtomicLong();
  private volatile BiConsumer<String, Instant> cooldownListener = (id, until) -> { };
  private volatile Consumer<SessionBinding> bindingListener = b -> { };
  private volatile Consumer<WindowsSeen> windowsListener = w -> { };

  public AccountPool(AccountRegistry registry, Clock clock, PoolSettings settings) {
    this.registry = registry;
    this.clock = clock;
    this.settings = settings;
    this.sticky = Caffeine.newBuilder()
        .maximumSize(settings.stickyMaxSessions())
        .expireAfterAccess(settings.stickyTtl())
        .ticker(() -> clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .build();
  }

  /**
   * Picks an account.
   *
   * @param sessionKey prompt_cache_key or session id; null or blank for none
   * @param excludeAccountIds accounts already tried for this request (may be null)
   */
  public Selection select(String sessionKey, Set<String> excludeAccountIds) {
    Instant now = clock.instant();
    List<Account> all = registry.all();
    List<Account> signedIn = all.stream().filter(Account::active).toList();
    if (signedIn.isEmpty()) {
      return new Unavailable(all.isEmpty() ? ApiError.oauthUnavailable()
          : new ApiError(503, ApiError.SERVICE_UNAVAILABLE,
              "every ChatGPT account must sign in again: run sluice auth login", null, "oauth_unavailable", null,
              Map.of()));
    }
    Set<String> exclude = excludeAccountIds == null ? Set.of() : excludeAccountIds;
    List<Account> usable = signedIn.stream()
        .filter(a -> !exclude.contains(a.id()) && availableAt(healthOf(a.id()), now) == null)
        .toList();
    if (usable.isEmpty()) {
      return new Unavailable(exhausted(signedIn, now));
    }
    String key = sessionKey == null || sessionKey.isBlank() ? null : sessionHash(sessionKey);
    Binding bound = key == null ? null : sticky.getIfPresent(key);
    Account chosen = null;
    if (bound != null) {
      chosen = usable.stream().filter(a -> a.id().equals(bound.accountId())).findFirst().orElse(null);
    }
    if (chosen == null) {
      chosen = usable.stream().min(Comparator
              .comparingDouble((Account a) -> -remaining(healthOf(a.id()), now))
              .thenComparingLong(a -> healthOf(a.id()).lastPick())
              .thenComparing(Account::id))
          .orElseThrow();
    }
    long seq = picks.incrementAndGet();
    update(chosen.id(), h -> new Health(h.primary(), h.secondary(), h.observedAt(), h.cooldownUntil(), h.failures(),
        h.backoffUntil(), seq));
    if (key != null && (bound == null || !bound.accountId().equals(chosen.id()))) {
      long at = Math.max(clock.millis(), bound == null ? 0 : bound.boundAtMillis() + 1);
      sticky.put(key, new Binding(chosen.id(), at));
      bindingListener.accept(new SessionBinding(key, chosen.id(), at));
    }
    return new Chosen(chosen);
  }

  /**
   * Called with every session this instance binds to an account (first pick or re-binding), so that
   * other instances can bind it too ({@link #bind}).
   */
  public void onBinding(Consumer<SessionBinding> listener) {
    this.bindingListener = listener;
  }

  /** Applies a binding another instance made, unless the binding known here is later. */
  public void bind(SessionBinding b) {
    Binding received = new Binding(b.accountId(), b.boundAtMillis());
    sticky.asMap().merge(b.sessionHash(), received, (old, neu) -> neu.laterThan(old) ? neu : old);
  }

  /**
   * Called with the windows an answer reported whenever they moved noticeably (a whole percent used,
   * or a new reset time), so that other instances can weigh the account with them too ({@link #applyWindows}).
   */
  public void onWindows(Consumer<WindowsSeen> listener) {
    this.windowsListener = listener;
  }

  /** Applies windows another instance read, unless what is known here was observed later. */
  public void applyWindows(WindowsSeen w) {
    update(w.accountId(), h -> h.observedAt() != null && h.observedAt().isAfter(w.observedAt()) ? h
        : new Health(w.primary() != null ? w.primary() : h.primary(), w.secondary() != null ? w.secondary()
            : h.secondary(), w.observedAt(), h.cooldownUntil(), h.failures(), h.backoffUntil(), h.lastPick()));
  }

  /** The SHA-256 of a session key, base64url without padding: how sessions are remembered and announced. */
  public static String sessionHash(String sessionKey) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(sessionKey.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the {@code x-codex-primary-*} / {@code x-codex-secondary-*} headers of an upstream answer. */
  public void onResponseHeaders(String accountId, Map<String, String> headers) {
    Map<String, String> h = new HashMap<>();
    headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
    Instant now = clock.instant();
    RateWindow p = windowFromHeaders(h, "x-codex-primary-", now);
    RateWindow s = windowFromHeaders(h, "x-codex-secondary-", now);
    if (p != null || s != null) {
      recordLimits(accountId, p, s, now);
    }
  }

  /** Reads a {@code codex.rate_limits} SSE event ({@code rate_limits.primary/secondary}). */
  public void onRateLimitsEvent(String accountId, JsonNode event) {
    JsonNode rl = event.has("rate_limits") ? event.path("rate_limits") : event;
    Instant now = clock.instant();
    RateWindow p = RateWindow.fromJson(rl.path("primary"), now);
    RateWindow s = RateWindow.fromJson(rl.path("secondary"), now);
    if (p != null || s != null) {
      recordLimits(accountId, p, s, now);
    }
  }

  /** Reads a {@code GET /backend-api/wham/usage} answer ({@code rate_limit.primary_window/secondary_window}). */
  public void onUsageSnapshot(String accountId, JsonNode usage) {
    JsonNode rl = usage.path("rate_limit");
    Instant now = clock.instant();
    RateWindow p = RateWindow.fromJson(rl.path("primary_window"), now);
    RateWindow s = RateWindow.fromJson(rl.path("secondary_window"), now);
    if (p != null || s != null) {
      recordLimits(accountId, p, s, now);
    }
  }

  /**
   * The account answered 429 {@code usage_limit_reached}: it is out until {@code resets_at} (epoch
   * seconds) from the error body when that is still ahead, else for {@code resets_in_seconds} from now
   * (at least {@link #MIN_USAGE_COOLDOWN}: both are whole seconds, so a reset due now reads as already
   * passed or 0), else until the reset of a window known to be full, else for the default cooldown.
   * The caller then selects again, excluding it.
   */
  public void onUsageLimitReached(String accountId, JsonNode errorBody) {
    Instant now = clock.instant();
    JsonNode e = errorBody == null ? MissingNode.getInstance()
        : errorBody.path("error").isObject() ? errorBody.path("error") : errorBody;
    Instant until = namedReset(e, now);
    if (until == null) {
      Instant known = fullWindowReset(healthOf(accountId), now);
      until = known != null ? known : now.plus(settings.defaultCooldown());
    }
    coolDown(accountId, until);
    cooldownListener.accept(accountId, until);
  }

  /**
   * Called with the account and the end of its rest whenever a usage limit puts an account on a
   * cooldown here, so that other instances can apply it too ({@link #coolDown}).
   */
  public void onCooldown(BiConsumer<String, Instant> listener) {
    this.cooldownListener = listener;
  }

  /** Rests the account until {@code until} (another instance saw its usage limit); never shortens a rest. */
  public void coolDown(String accountId, Instant until) {
    update(accountId, h -> new Health(h.primary(), h.secondary(), h.observedAt(),
        h.cooldownUntil() != null && h.cooldownUntil().isAfter(until) ? h.cooldownUntil() : until, h.failures(),
        h.backoffUntil(), h.lastPick()));
  }

  /** The reset a usage-limit error names, or null when it names none that is usable. */
  private static Instant namedReset(JsonNode error, Instant now) {
    if (error.path("resets_at").canConvertToLong()) {
      Instant at = Instant.ofEpochSecond(error.path("resets_at").asLong());
      if (at.isAfter(now)) {
        return at;
      }
    }
    if (error.path("resets_in_seconds").canConvertToLong() && error.path("resets_in_seconds").asLong() >= 0) {
      Duration in = Duration.ofSeconds(error.path("resets_in_seconds").asLong());
      return now.plus(in.compareTo(MIN_USAGE_COOLDOWN) < 0 ? MIN_USAGE_COOLDOWN : in);
    }
    return null;
  }

  /**
   * The request on this account failed (5xx, connection error, transient refresh failure). From the
   * second consecutive failure the account is backed off: base, 2x base, 4x base... up to the maximum.
   */
  public void onFailure(String accountId) {
    Instant now = clock.instant();
    update(accountId, h -> {
      int n = h.failures() + 1;
      Instant backoff = h.backoffUntil();
      if (n >= 2) {
        long factor = 1L << Math.min(20, n - 2);
        Duration d = settings.backoffBase().multipliedBy(factor);
        if (d.compareTo(settings.backoffMax()) > 0) {
          d = settings.backoffMax();
        }
        backoff = now.plus(d);
      }
      return new Health(h.primary(), h.secondary(), h.observedAt(), h.cooldownUntil(), n, backoff, h.lastPick());
    });
  }

  /** The request on this account succeeded: its failure count and back-off are cleared. */
  public void onSuccess(String accountId) {
    update(accountId, h -> new Health(h.primary(), h.secondary(), h.observedAt(), h.cooldownUntil(), 0, null,
        h.lastPick()));
  }

  /** Every known account with its state and last known limits, ordered by id; never a token. */
  public List<AccountStatus> status() {
    Instant now = clock.instant();
    List<AccountStatus> out = new ArrayList<>();
    for (Account a : registry.all()) {
      Health h = healthOf(a.id());
      out.add(new AccountStatus(a.id(), a.email(), a.plan(), a.state(), a.stateReason(),
          a.tokens().accessExpiresAt(), a.tokens().lastRefresh(), h.primary(), h.secondary(), h.observedAt(),
          after(h.cooldownUntil(), now), after(h.backoffUntil(), now), h.failures()));
    }
    return out;
  }

  private ApiError exhausted(List<Account> signedIn, Instant now) {
    Instant earliest = null;
    boolean usageLimited = false;
    for (Account a : signedIn) {
      Health h = healthOf(a.id());
      if (usageBlockedUntil(h, now) != null) {
        usageLimited = true;
      }
      Instant at = availableAt(h, now);
      if (at != null && (earliest == null || at.isBefore(earliest))) {
        earliest = at;
      }
    }
    if (usageLimited) {
      long ms = retryAfterMillis(earliest, now);
      return withRetryAfter(ApiError.of(429, "usage_limit_reached",
          "every ChatGPT account has reached its usage limit; the earliest is available again in "
              + Math.ceilDiv(ms, 1000) + " s", "usage_limit_reached"), ms);
    }
    ApiError e = ApiError.of(503, ApiError.SERVICE_UNAVAILABLE,
        "no ChatGPT account is available right now (all are failing or were tried)", "no_accounts");
    return earliest == null ? e : withRetryAfter(e, retryAfterMillis(earliest, now));
  }

  /** Milliseconds until {@code at}, rounded up, at least 1 s when unknown and 1 ms otherwise. */
  private static long retryAfterMillis(Instant at, Instant now) {
    if (at == null) {
      return 1000;
    }
    return Math.max(1, Math.ceilDiv(Duration.between(now, at).toNanos(), 1_000_000L));
  }

  /** {@code Retry-After} (whole seconds, rounded up, at least 1) and {@code retry-after-ms}, as the key limiter sends. */
  private static ApiError withRetryAfter(ApiError e, long ms) {
    return e.withHeader(RateLimitHeaders.RETRY_AFTER, Long.toString(Math.max(1, Math.ceilDiv(ms, 1000))))
        .withHeader(RateLimitHeaders.RETRY_AFTER_MS, Long.toString(ms));
  }

  /** When a blocked account is usable again; null when it is usable now. */
  private static Instant availableAt(Health h, Instant now) {
    Instant usage = usageBlockedUntil(h, now);
    Instant backoff = after(h.backoffUntil(), now);
    if (usage == null) {
      return backoff;
    }
    return backoff == null || usage.isAfter(backoff) ? usage : backoff;
  }

  private static Instant usageBlockedUntil(Health h, Instant now) {
    Instant cd = after(h.cooldownUntil(), now);
    Instant full = fullWindowReset(h, now);
    if (cd == null) {
      return full;
    }
    return full == null || cd.isAfter(full) ? cd : full;
  }

  /** The latest reset among windows known to be at 100% and not reset yet; null if none. */
  private static Instant fullWindowReset(Health h, Instant now) {
    Instant out = null;
    for (RateWindow w : new RateWindow[] {h.primary(), h.secondary()}) {
      if (w != null && w.resetsAt() != null && w.resetsAt().isAfter(now) && w.remainingPercent(now) <= 0
          && (out == null || w.resetsAt().isAfter(out))) {
        out = w.resetsAt();
      }
    }
    return out;
  }

  private static double remaining(Health h, Instant now) {
    double r = 100;
    for (RateWindow w : new RateWindow[] {h.primary(), h.secondary()}) {
      if (w != null) {
        r = Math.min(r, w.remainingPercent(now));
      }
    }
    return r;
  }

  /**
   * Records the windows an answer reported. A window newly seen full rests the account until its reset
   * on the other instances too: announced as a cooldown ({@link #onCooldown}), once per reset. Windows
   * that moved noticeably are announced ({@link #onWindows}).
   */
  private void recordLimits(String accountId, RateWindow p, RateWindow s, Instant now) {
    Instant[] full = new Instant[2];
    boolean[] moved = new boolean[1];
    update(accountId, h -> {
      moved[0] = moved(h.primary(), p) || moved(h.secondary(), s);
      Health n = new Health(p != null ? p : h.primary(), s != null ? s : h.secondary(), now,
          h.cooldownUntil(), h.failures(), h.backoffUntil(), h.lastPick());
      full[0] = fullWindowReset(h, now);
      full[1] = fullWindowReset(n, now);
      return n;
    });
    if (full[1] != null && !full[1].equals(full[0])) {
      cooldownListener.accept(accountId, full[1]);
    }
    if (moved[0]) {
      windowsListener.accept(new WindowsSeen(accountId, p, s, now));
    }
  }

  /** A new window differs noticeably from the known one: another whole percent, or a reset a minute apart. */
  private static boolean moved(RateWindow known, RateWindow seen) {
    if (seen == null) {
      return false;
    }
    if (known == null || Math.floor(known.usedPercent()) != Math.floor(seen.usedPercent())
        || (known.resetsAt() == null) != (seen.resetsAt() == null)) {
      return true;
    }
    return known.resetsAt() != null
        && Math.abs(Duration.between(known.resetsAt(), seen.resetsAt()).toSeconds()) >= 60;
  }

  private static RateWindow windowFromHeaders(Map<String, String> h, String prefix, Instant now) {
    Double used = parseDouble(h.get(prefix + "used-percent"));
    if (used == null) {
      return null;
    }
    Double minutes = parseDouble(h.get(prefix + "window-minutes"));
    Double resetAt = parseDouble(h.get(prefix + "reset-at"));
    Double resetAfter = parseDouble(h.get(prefix + "reset-after-seconds"));
    Instant reset = resetAt != null ? Instant.ofEpochSecond(resetAt.longValue())
        : resetAfter != null ? now.plusSeconds(resetAfter.longValue()) : null;
    return new RateWindow(used, minutes == null ? null : minutes.intValue(), reset);
  }

  private static Double parseDouble(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      double d = Double.parseDouble(s.trim());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant after(Instant t, Instant now) {
    return t != null && t.isAfter(now) ? t : null;
  }

  private Health healthOf(String id) {
    return health.getOrDefault(id, Health.EMPTY);
  }

  private void update(String id, java.util.function.UnaryOperator<Health> f) {
    health.compute(id, (k, h) -> f.apply(h == null ? Health.EMPTY : h));
  }
}
