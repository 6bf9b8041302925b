package dev.sluice.accounts;

import dev.sluice.accounts.oauth.TokenResponse;
import dev.sluice.accounts.oauth.OAuthClient;
import dev.sluice.accounts.oauth.OAuthSettings;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.storage.Database;
import dev.sluice.storage.PostgresChannel;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The account feature wired from configuration: store, registry, token manager, pool and clients.
 * {@link #fromConfig} reads the account files (blocking): call it at start-up or on a worker.
 */
public final class Accounts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
  private final AccountStore store;
  private final AccountRegistry registry;
  private final TokenManager tokens;
  private final AccountPool pool;
  private final OAuthClient oauth;
  private final UsageClient usage;
  private final ExecutorService io;
  private PostgresChannel cooldowns;
  private SharedAccountState sharedState;

  private Accounts(AccountStore store, AccountRegistry registry, TokenManager tokens, AccountPool pool,
                   OAuthClient oauth, UsageClient usage, ExecutorService io) {
    this.store = store;
    this.registry = registry;
    this.tokens = tokens;
    this.pool = pool;
    this.oauth = oauth;
    this.usage = usage;
    this.io = io;
  }

  public static Accounts fromConfig(Config cfg, Clock clock) {
    OAuthSettings oauthSettings = OAuthSettings.fromConfig(cfg);
    Duration timeout = Duration.ofSeconds(cfg.integer("upstream.timeout_seconds", 1, 3600));
    HttpClient http = httpClient(cfg);
    AccountStore store = openStore(cfg);
    AccountRegistry registry = new AccountRegistry(store.loadAll());
    ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    OAuthClient oauth = new OAuthClient(oauthSettings, http, timeout);
    TokenManager tokens = new TokenManager(registry, store, oauth, clock, io,
        Duration.ofSeconds(cfg.integer("oauth.refresh_ahead_seconds", 0, 86_400)),
        Duration.ofDays(cfg.integer("oauth.refresh_max_age_days", 1, 365)));
    AccountPool pool = new AccountPool(registry, clock, PoolSettings.fromConfig(cfg));
    UsageClient usage = new UsageClient(http, cfg.url("upstream.codex_base_url"), cfg.string("accounts.usage_path"),
        oauthSettings.originator(), timeout);
    Accounts accounts = new Accounts(store, registry, tokens, pool, oauth, usage, io);
    if (store instanceof DatabaseAccountStore shared) {
      accounts.shareCooldowns(shared.database());
      accounts.sharedState = SharedAccountState.start(shared.database(), io, pool);
    }
    return accounts;
  }

  /** PostgreSQL channel of the usage-limit cooldowns an instance saw: {@code "<epoch ms> <account id>"}. */
  static final String COOLDOWN_CHANNEL = "sluice_account_cooldowns";

  /**
   * A usage limit one instance runs into (or a window it sees full) rests the account on every
   * instance on the database: sent with NOTIFY (on the io executor, never the caller's thread),
   * applied from LISTEN.
   */
  private void shareCooldowns(Database db) {
    pool.onCooldown((id, until) -> io.execute(() -> {
      try {
        PostgresChannel.send(db, COOLDOWN_CHANNEL, until.toEpochMilli() + " " + id);
      } catch (SQLException | RuntimeException e) {
        LOG.warn("announcing the usage-limit cooldown of account {} failed: {}", id, e.getMessage());
      }
    }));
    cooldowns = PostgresChannel.listen(db, COOLDOWN_CHANNEL, message -> {
      int space = message.indexOf(' ');
      try {
        Instant until = Instant.ofEpochMilli(Long.parseLong(message.substring(0, space)));
        pool.coolDown(message.substring(space + 1), until);
        LOG.debug("account {} rests until {} (a usage limit seen by another instance)", message.substring(space + 1), until);
      } catch (RuntimeException e) {
        LOG.debug("ignored cooldown notification '{}'", message);
      }
    }, () -> { });
  }

  /**
   * Where the accounts are: with PostgreSQL storage the database, shared by every instance on it
   * (a pool of its own, closed with the store); otherwise the encrypted files in {@code accounts.dir}.
   */
  public static AccountStore openStore(Config cfg) {
    String url = cfg.requireString("storage.url");
    if (!url.startsWith("jdbc:postgresql:")) {
      return AccountStore.open(accountsDir(cfg), cfg.string("accounts.encryption_key"));
    }
    Database db = Database.open(url, cfg.string("storage.username"), cfg.string("storage.password"), 2);
    try {
      // a refresh waits at most this long for another instance's refresh of the same account
      Duration lock = Duration.ofSeconds(cfg.integer("upstream.timeout_seconds", 1, 3600) + 5L);
      return AccountStore.shared(accountsDir(cfg), cfg.string("accounts.encryption_key"), db, true, lock);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** {@code accounts.dir} with a leading {@code ~} expanded. */
  public static Path accountsDir(Config cfg) {
    String d = cfg.requireString("accounts.dir");
    if (d.equals("~") || d.startsWith("~/")) {
      d = System.getProperty("user.home") + d.substring(1);
    }
    return Path.of(d);
  }

  private static HttpClient httpClient(Config cfg) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(cfg.integer("upstream.connect_timeout_seconds", 1, 600)))
        .followRedirects(HttpClient.Redirect.NEVER);
    String proxy = cfg.string("network.proxy_url");
    if (!proxy.isEmpty()) {
      URI u;
      try {
        u = URI.create(proxy);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("network.proxy_url", "not a valid URL");
      }
      if (u.getHost() == null || u.getPort() < 0) {
        throw new ConfigException("network.proxy_url", "expected http://host:port");
      }
      b.proxy(ProxySelector.of(new InetSocketAddress(u.getHost(), u.getPort())));
    }
    return b.build();
  }

  /** Re-reads the account files (blocking: call from a worker), e.g. after {@code sluice auth login} added one. */
  public void reload() {
    registry.replaceAll(store.loadAll());
  }

  /**
   * Stores the account just signed in (keeping when it was first added, if it was already known) and
   * puts it in the pool. Blocking: call from a worker.
   */
  public Account signedIn(TokenResponse tokens, Instant now) {
    Account a = Account.signedIn(tokens, now);
    Account kept = store.load(a.id())
        .map(old -> new Account(a.id(), a.email(), a.plan(), a.state(), a.stateReason(), a.tokens(),
            old.addedAt(), a.updatedAt()))
        .orElse(a);
    store.save(kept);
    reload();
    return kept;
  }

  /** Forgets an account: its file is deleted and it leaves the pool. Blocking: call from a worker. */
  public boolean remove(String accountId) {
    boolean deleted = store.delete(accountId);
    reload();
    return deleted;
  }

  public AccountStore store() {
    return store;
  }

  public AccountRegistry registry() {
    return registry;
  }

  public TokenManager tokens() {
    return tokens;
  }

  public AccountPool pool() {
    return pool;
  }

  public OAuthClient oauth() {
    return oauth;
  }

  public UsageClient usage() {
    return usage;
  }

  @Override
  public void close() {
    if (cooldowns != null) {
      cooldowns.close();
    }
    if (sharedState != null) {
      sharedState.close();
    }
    io.shutdown();
    store.close();
  }
}
