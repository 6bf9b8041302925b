package dev.sluice;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.error.ApiError;
import dev.sluice.error.ErrorRenderer;
import dev.sluice.http.HttpTimeouts;
import dev.sluice.logging.LogSettings;
import dev.sluice.admin.AdminApi;
import dev.sluice.admin.AdminAuth;
import dev.sluice.admin.Console;
import dev.sluice.keys.KeyAuthenticator;
import dev.sluice.keys.KeyChanges;
import dev.sluice.keys.KeyService;
import dev.sluice.ratelimit.RedisRateLimiter;
import dev.sluice.ratelimit.RateLimiter;
import dev.sluice.ratelimit.Plans;
import dev.sluice.storage.Database;
import dev.sluice.storage.RedisStore;
import dev.sluice.usage.BatchingUsageSink;
import dev.sluice.usage.UsageService;
import dev.sluice.validation.RequestValidator;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.sluice.provider.Provider;
import dev.sluice.accounts.Accounts;
import dev.sluice.provider.codex.CodexProvider;
import dev.sluice.provider.codex.CodexSettings;
import dev.sluice.provider.anthropic.AnthropicProvider;
import dev.sluice.provider.gemini.GeminiProvider;
import dev.sluice.provider.openai.OpenAiProvider;
import dev.sluice.relay.AccessLog;
import dev.sluice.relay.Gateway;
import dev.sluice.relay.InFlight;
import dev.sluice.relay.Services;
import dev.sluice.provider.UpstreamSpec;
import dev.sluice.route.Dispatcher;
import dev.sluice.route.Routing;
import java.util.LinkedHashMap;
import java.util.Map;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the running gateway from a {@link Config}: the one place where features are put together.
 * {@link #start} is what {@code sluice serve} runs and what end-to-end tests run on port 0.
 */
public final class Wiring implements AutoCloseable {
  /** How often the account files are re-read, so that {@code sluice auth login} reaches a running gateway. */
  static final long ACCOUNTS_RELOAD_MILLIS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

  private final Vertx vertx;
  private final Gateway gateway;
  private final List<AutoCloseable> closeables;
  private final Duration shutdownGrace;
  private final Duration drainDelay;

  private Wiring(Vertx vertx, Gateway gateway, List<AutoCloseable> closeables, Duration shutdownGrace,
                 Duration drainDelay) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.closeables = closeables;
    this.shutdownGrace = shutdownGrace;
    this.drainDelay = drainDelay;
  }

  public int port() {
    return gateway.port();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** host and port from {@code server.listen}: "127.0.0.1:8080", ":8080", "8080", "[::1]:8080". */
  public static HostPort listen(Config cfg) {
    return hostPort(cfg, "server.listen");
  }

  /** host and port from an address key such as {@code server.listen}. */
  static HostPort hostPort(Config cfg, String key) {
    String s = cfg.requireString(key);
    String host = "0.0.0.0";
    String port = s;
    int colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
      if (host.isEmpty()) {
        host = "0.0.0.0";
      } else if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
    }
    try {
      int p = Integer.parseInt(port);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(host, p);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected host:port, got '" + s + "'");
    }
  }

  public record HostPort(String host, int port) {
  }

  /** Reads and checks the whole config before anything starts, so a bad value stops start-up. */
  public static Future<Wiring> start(Config cfg) {
    HostPort hp = listen(cfg);
    ErrorRenderer errors = ErrorRenderer.of(cfg.oneOf("errors.style", "openai", "gateway"));
    // logback itself is configured by sluice serve (Logging.configure); the access log needs the format
    boolean jsonLogs = LogSettings.fromConfig(cfg, System.getenv()).json();
    long maxBody = cfg.longValue("server.max_body_bytes", 1024, 1L << 31);
    Duration shutdownGrace = Duration.ofSeconds(cfg.integer("server.shutdown_grace_seconds", 0, 3600));
    Duration drainDelay = Duration.ofMillis(cfg.integer("server.drain_delay_millis", 0, 600_000));
    HttpTimeouts timeouts = HttpTimeouts.fromConfig(cfg);
    int timeoutSeconds = cfg.integer("upstream.timeout_seconds", 1, 3600);
    int connectTimeout = cfg.integer("upstream.connect_timeout_seconds", 1, 600);
    Routing routing = Routing.fromConfig(cfg);
    Plans plans = Plans.fromConfig(cfg);
    String adminKey = cfg.string("auth.admin_api_key");

    // Opening the database (driver, pool, migrations) overlaps with starting Vert.x: start-up time.
    CompletableFuture<Database> opening = CompletableFuture.supplyAsync(() -> Database.open(cfg),
        r -> Thread.ofPlatform().daemon().name("sluice-db-open").start(r));
    // epoll where the platform has it (Linux); NIO elsewhere
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    List<AutoCloseable> closeables = new ArrayList<>();
    // Each event loop gets its own upstream client and providers (see Gateway.start).
    Function<HttpClient, Map<String, Provider>> providers;
    Accounts accounts;
    try {
      accounts = codexAccounts(cfg, vertx, routing.upstreams(), closeables);
      providers = providers(cfg, vertx, routing.upstreams(), accounts);
    } catch (RuntimeException e) {
      opening.thenAccept(Database::close);
      vertx.close();
      throw e;
    }

    Database db;
    try {
      db = join(opening);
    } catch (RuntimeException e) {
      closeAll(closeables);
      vertx.close();
      throw e;
    }
    closeables.add(db);
    RedisStore redis = RedisStore.fromConfig(cfg);
    if (redis != null) {
      closeables.add(redis);
    }
    KeyService keys = KeyService.create(db);
    KeyAuthenticator auth = KeyAuthenticator.create(vertx, keys, cfg);
    closeables.add(auth);
    closeables.add(KeyChanges.listen(db, redis, auth));
    if (redis != null) {
      KeyChanges.publishOn(redis, keys);
    }
    BatchingUsageSink usage = BatchingUsageSink.start(db, cfg);
    closeables.add(usage);
    RequestValidator validator = RequestValidator.openai();

    RateLimiter limiter = RedisRateLimiter.fromConfig(cfg, plans, redis);
    AccessLog accessLog = new AccessLog(jsonLogs);
    UsageService usageService = UsageService.create(db);
    Observed observed = Observed.create(cfg, routing, plans, usage::queued, accounts);
    Supplier<Services> perLoop = () -> new Services(auth, limiter, usage, validator::validate,
        new Dispatcher(routing, providers.apply(upstreamClient(vertx, connectTimeout)), System::nanoTime), errors,
        accessLog, Clock.systemUTC(), maxBody, timeoutSeconds * 1000L, observed.observer(),
        observed.requests().keepsBodies());
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    LOG.debug("starting: upstreams {}, {} database, {} event loops ({} transport), listening on {}:{}",
        String.join(", ", routing.upstreams().keySet()), db.dialect(), loops,
        vertx.isNativeTransportEnabled() ? "epoll" : "NIO", hp.host(), hp.port());
    AdminAuth adminAuth = AdminAuth.of(adminKey);
    AdminApi.Views views = new AdminApi.Views(observed.requests(), observed.timeline(), accounts);
    // one admin API behind the admin key and the console's session: sign-ins in progress are shared
    Function<Handler<RoutingContext>, Router> adminApi = AdminApi.routers(vertx, keys, usageService, plans, routing,
        views);
    return Gateway.start(vertx, hp.host(), hp.port(), timeouts, loops, perLoop, router -> {
          router.route("/admin/*").subRouter(adminApi.apply(adminAuth.bearer()));
          router.get("/metrics").handler(adminAuth.bearer()).handler(observed::scrape);
          Console.mount(router, cfg, adminAuth, adminApi);
        })
        .compose(g -> observed.listen(vertx, cfg, g.inFlight()::count, closeables).map(g))
        .map(g -> new Wiring(vertx, g, closeables, shutdownGrace, drainDelay))
        .onFailure(t -> {
          closeAll(closeables);
          vertx.close();
        });
  }

  /** The ChatGPT account pool, one for the process, shared by every codex upstream; null without one. */
  private static Accounts codexAccounts(Config cfg, Vertx vertx, Map<String, UpstreamSpec> specs,
                                        List<AutoCloseable> closeables) {
    Accounts accounts = null;
    if (specs.values().stream().anyMatch(s -> s.type() == UpstreamSpec.Type.CODEX)) {
      Accounts pool = Accounts.fromConfig(cfg, Clock.systemUTC());
      closeables.add(pool);
      long reload = vertx.setPeriodic(ACCOUNTS_RELOAD_MILLIS, id -> vertx.executeBlocking(() -> {
        pool.reload();
        return null;
      }, false).onFailure(t -> LOG.warn("re-reading the account files failed: {}", t.getMessage())));
      closeables.add(() -> vertx.cancelTimer(reload));
      accounts = pool;
    }
    return accounts;
  }

  /**
   * What each event loop builds for itself: one provider per configured upstream, on that loop's
   * client, the codex ones on the process's account pool.
   */
  private static Function<HttpClient, Map<String, Provider>> providers(Config cfg, Vertx vertx,
                                                                        Map<String, UpstreamSpec> specs,
                                                                        Accounts accounts) {
    CodexSettings codex = accounts == null ? null : CodexSettings.fromConfig(cfg);
    Accounts pool = accounts;
    return client -> {
      Map<String, Provider> out = new LinkedHashMap<>();
      specs.forEach((name, spec) -> out.put(name, switch (spec.type()) {
        case OPENAI -> new OpenAiProvider(client, spec, Clock.systemUTC());
        case CODEX -> new CodexProvider(vertx, client, pool.pool(), pool.tokens(), codex.withBaseUrl(spec.baseUrl()),
            Clock.systemUTC());
        case ANTHROPIC -> new AnthropicProvider(client, spec, Clock.systemUTC());
        case GEMINI -> new GeminiProvider(client, spec, Clock.systemUTC());
      }));
      return out;
    };
  }

  /** The client for upstream calls: no Nagle, keep-alive, no decompression, no pool cap. */
  private static HttpClient upstreamClient(Vertx vertx, int connectTimeoutSeconds) {
    return vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setTcpNoDelay(true)
            .setKeepAlive(true)
            .setConnectTimeout(connectTimeoutSeconds * 1000)
            .setDecompressionSupported(false)
            .setMaxInitialLineLength(16384)
            .setMaxHeaderSize(65536))
        .with(new PoolOptions().setHttp1MaxSize(100_000).setMaxWaitQueueSize(-1))
        .build();
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** How long a stop waits, after aborting what is left, for those requests to be answered. */
  static final int SHUTDOWN_ABORT_SECONDS = 5;

  /**
   * Graceful stop: {@code /healthz} answers 503 draining, for {@code server.drain_delay_millis} new
   * requests are still served (a load balancer's health checks take the instance out), then no new connections, requests in flight finish, every usage record written. Requests
   * still running after the grace period are answered 503 {@code shutting_down} (a stream gets its
   * error event) and recorded so before their connections close.
   */
  @Override
  public void close() {
    Duration grace = shutdownGrace;
    try {
      // /healthz says draining at once; new requests are still served while the load balancer notices
      gateway.inFlight().startDraining();
      if (!drainDelay.isZero()) {
        Thread.sleep(drainDelay);
      }
      Future<Void> stopped = gateway.shutdown(grace.plusSeconds(SHUTDOWN_ABORT_SECONDS + 1));
      finishInFlight(grace);
      stopped.await();
      // A connection accepted before the listener closed may have sent its request after the wait
      // above saw none in flight; every connection is closed now, so no request starts any more,
      // and the usage sink closes only once the last of them has written its record.
      finishInFlight(Duration.ofSeconds(SHUTDOWN_ABORT_SECONDS));
    } catch (Exception ignored) {
      // shutting down anyway
    }
    closeAll(closeables);
    vertx.close().await();
  }

  /**
   * Waits up to {@code wait} for the requests in flight to end; those still running then are answered
   * 503 {@code shutting_down} and given {@link #SHUTDOWN_ABORT_SECONDS} to be recorded.
   */
  private void finishInFlight(Duration wait) throws InterruptedException {
    InFlight inFlight = gateway.inFlight();
    if (!inFlight.awaitIdle(wait)) {
      int aborted = inFlight.abortAll(ApiError.shuttingDown());
      LOG.warn("{} requests still in flight after {} s: answered 503 shutting_down", aborted, wait.toSeconds());
      inFlight.awaitIdle(Duration.ofSeconds(SHUTDOWN_ABORT_SECONDS));
    }
  }

  /** Closes in reverse order of creation; one failing does not stop the rest. */
  private static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
  }
}
