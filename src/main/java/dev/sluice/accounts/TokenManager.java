package dev.sluice.accounts;

import dev.sluice.accounts.oauth.OAuthClient;
import dev.sluice.accounts.oauth.OAuthException;
import dev.sluice.accounts.oauth.TokenResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out valid access tokens, refreshing them ahead of expiry, when they are older than the
 * maximum age, and once after an upstream 401. At most one refresh per account runs at a time;
 * concurrent callers share it; with a store shared by several instances one refresh per account runs
 * across all of them ({@link AccountStore#withLease}). Before refreshing, the stored account is
 * re-read so that tokens another process (another instance, {@code sluice auth login}) wrote are
 * used instead of a stale refresh token. A rotated
 * refresh token is written to the store before the new access token is handed out. An answer that
 * means "sign in again" marks the account {@link AccountState#NEEDS_SIGN_IN} (persisted) and is
 * not retried.
 *
 * <p>Never blocks the caller: network calls use {@code HttpClient.sendAsync}, file IO runs on the
 * given {@code io} executor. Futures fail with {@link TokenException}.
 */
public final class TokenManager {
  private static final Logger LOG = LoggerFactory.getLogger(TokenManager.class);

  private final AccountRegistry registry;
  private final AccountStore store;
  private final OAuthClient oauth;
  private final Clock clock;
  private final Executor io;
  private final Duration refreshAhead;
  private final Duration maxAge;
  private final ConcurrentHashMap<String, CompletableFuture<AccessToken>> inflight = new ConcurrentHashMap<>();

  /**
   * @param refreshAhead refresh when the access token expires within this
   * @param maxAge refresh when the tokens were issued longer ago than this
   */
  public TokenManager(AccountRegistry registry, AccountStore store, OAuthClient oauth, Clock clock, Executor io,
                      Duration refreshAhead, Duration maxAge) {
    this.registry = registry;
    this.store = store;
    this.oauth = oauth;
    this.clock = clock;
    this.io = io;
    this.refreshAhead = refreshAhead;
    this.maxAge = maxAge;
  }

  /** A valid access token for the account, refreshed first when due. */
  public CompletableFuture<AccessToken> token(String accountId) {
    Account a = registry.get(accountId).orElse(null);
    if (a == null) {
      return CompletableFuture.failedFuture(new TokenException(accountId, TokenException.Kind.UNKNOWN_ACCOUNT,
          "unknown account", null));
    }
    if (!a.active()) {
      return CompletableFuture.failedFuture(signIn(a));
    }
    if (!needsRefresh(a)) {
      return CompletableFuture.completedFuture(access(a));
    }
    return refresh(accountId, null);
  }

  /**
   * After the upstream answered 401 to {@code rejectedAccessToken}: refreshes if that token is still
   * the current one (else returns the newer current token). The caller retries its request once.
   */
  public CompletableFuture<AccessToken> refreshAfter401(String accountId, String rejectedAccessToken) {
    Account a = registry.get(accountId).orElse(null);
    if (a != null && a.active() && !Objects.equals(a.tokens().accessToken(), rejectedAccessToken)) {
      return token(accountId);
    }
    if (a != null && !a.active()) {
      return CompletableFuture.failedFuture(signIn(a));
    }
    return refresh(accountId, rejectedAccessToken);
  }

  /** Whether the account's access token is due for a refresh now. */
  public boolean needsRefresh(Account a) {
    Instant now = clock.instant();
    Tokens t = a.tokens();
    if (t.accessToken() == null) {
      return true;
    }
    if (t.accessExpiresAt() != null && !now.isBefore(t.accessExpiresAt().minus(refreshAhead))) {
      return true;
    }
    return t.lastRefresh() == null || now.isAfter(t.lastRefresh().plus(maxAge));
  }

  private CompletableFuture<AccessToken> refresh(String accountId, String rejected) {
    CompletableFuture<AccessToken> mine = new CompletableFuture<>();
    CompletableFuture<AccessToken> running = inflight.putIfAbsent(accountId, mine);
    if (running != null) {
      return running.copy();
    }
    CompletableFuture<AccessToken> work;
    try {
      work = doRefresh(accountId, rejected);
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    work.whenComplete((t, e) -> {
      inflight.remove(accountId, mine);
      if (e != null) {
        mine.completeExceptionally(unwrap(e));
      } else {
        mine.complete(t);
      }
    });
    return mine.copy();
  }

  /**
   * On an {@code io} thread, holding the account's refresh lease (across instances when the store is
   * shared): re-reads the account, refreshes only if that is still due, stores the result, then
   * hands it out. Blocking inside: the io executor runs virtual threads.
   */
  private CompletableFuture<AccessToken> doRefresh(String accountId, String rejected) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return store.withLease(accountId, lease -> refreshLeased(accountId, rejected, lease));
      } catch (AccountStoreException e) {
        if (store.shared()) {
          return afterSharedLeaseFailed(accountId, rejected, e);
        }
        // the store cannot be read or locked: refresh from memory, as one process would
        LOG.warn("cannot re-read account {} before refreshing: {}", accountId, e.getMessage());
        return refreshLeased(accountId, rejected, new AccountStore.Lease() {
          @Override
          public Optional<Account> current() {
            return registry.get(accountId);
          }

          @Override
          public void save(Account account) {
            store.save(account);
          }
        });
      }
    }, io);
  }

  /**
   * The shared store's lock could not be had (another instance's refresh outlasted the lock
   * timeout, or the database is unreachable): refreshing without it could spend a rotated refresh
   * token that another instance is spending too, and lose the account. The tokens another
   * instance may have stored meanwhile are used if they are good; otherwise this is a transient
   * failure and the pool tries another account.
   */
  private AccessToken afterSharedLeaseFailed(String accountId, String rejected, AccountStoreException e) {
    try {
      Optional<Account> stored = store.load(accountId);
      if (stored.isPresent()) {
        Account cur = stored.get();
        if (cur.active() && !needsRefresh(cur) && !cur.tokens().accessToken().equals(rejected)) {
          registry.put(cur);
          return access(cur);
        }
      }
    } catch (AccountStoreException again) {
      // reported below with the first failure
    }
    LOG.warn("token refresh for account {} not attempted: {}", accountId, e.getMessage());
    throw new TokenException(accountId, TokenException.Kind.TRANSIENT, "the shared account store: "
        + e.getMessage(), e);
  }

  private AccessToken refreshLeased(String accountId, String rejected, AccountStore.Lease lease) {
    Optional<Account> stored;
    try {
      stored = lease.current();
    } catch (AccountStoreException e) {
      LOG.warn("cannot re-read account {} before refreshing: {}", accountId, e.getMessage());
      stored = registry.get(accountId);
    }
    Account mem = registry.get(accountId).orElse(null);
    if (stored.isEmpty()) {
      registry.remove(accountId);
      throw new TokenException(accountId, TokenException.Kind.UNKNOWN_ACCOUNT, "signed out", null);
    }
    Account cur = mem == null || newer(stored.get(), mem) ? stored.get() : mem;
    registry.put(cur);
    if (!cur.active()) {
      throw signIn(cur);
    }
    boolean due = needsRefresh(cur) || (rejected != null && rejected.equals(cur.tokens().accessToken()));
    if (!due) {
      return access(cur);
    }
    if (cur.tokens().refreshToken() == null) {
      throw markSignIn(cur, "no_refresh_token", lease);
    }
    TokenResponse resp;
    try {
      resp = oauth.refresh(cur.tokens().refreshToken()).join();
    } catch (CompletionException | CancellationException err) {
      Throwable cause = unwrap(err);
      if (cause instanceof OAuthException o && o.requiresSignIn()) {
        throw markSignIn(cur, o.errorCode(), lease);
      }
      LOG.warn("token refresh for account {} failed: {}", accountId, cause.getMessage());
      throw new TokenException(accountId, TokenException.Kind.TRANSIENT, cause.getMessage(), cause);
    }
    Instant now = clock.instant();
    Account updated = cur.withTokens(cur.tokens().refreshedWith(resp, now), now);
    try {
      lease.save(updated);
    } catch (RuntimeException e) {
      LOG.error("refreshed tokens of account {} could not be written ({}); they are kept in memory",
          updated.id(), e.getMessage());
    }
    registry.put(updated);
    return access(updated);
  }

  private TokenException markSignIn(Account a, String reason, AccountStore.Lease lease) {
    Account marked = a.needingSignIn(reason, clock.instant());
    LOG.warn("account {} must sign in again ({}); it is no longer used", a.id(), reason);
    try {
      lease.save(marked);
    } catch (RuntimeException e) {
      LOG.warn("cannot write account {}: {}", a.id(), e.getMessage());
    }
    registry.put(marked);
    return signIn(marked);
  }

  private static boolean newer(Account disk, Account mem) {
    if (disk.updatedAt() == null) {
      return false;
    }
    return mem.updatedAt() == null || disk.updatedAt().isAfter(mem.updatedAt());
  }

  private static TokenException signIn(Account a) {
    return new TokenException(a.id(), TokenException.Kind.SIGN_IN_REQUIRED,
        a.stateReason() == null ? "signed out" : a.stateReason(), null);
  }

  private static AccessToken access(Account a) {
    return new AccessToken(a.id(), a.tokens().accessToken(), a.tokens().accessExpiresAt());
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
