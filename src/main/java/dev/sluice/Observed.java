package dev.sluice;

import dev.sluice.accounts.Accounts;
import dev.sluice.config.Config;
import dev.sluice.metrics.GatewayMetrics;
import dev.sluice.metrics.RequestLog;
import dev.sluice.metrics.RequestObserver;
import dev.sluice.metrics.Timeline;
import dev.sluice.ratelimit.Plan;
import dev.sluice.ratelimit.Plans;
import dev.sluice.route.Route;
import dev.sluice.route.Routing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway keeps of its finished requests: the Prometheus meters, the request log and the
 * console's timeline, all fed by the relay's one {@link RequestObserver} call per request.
 */
record Observed(GatewayMetrics metrics, RequestLog requests, Timeline timeline, RequestObserver observer) {
  private static final Logger LOG = LoggerFactory.getLogger(Observed.class);

  /** @param usageQueue the usage records waiting to be written */
  static Observed create(Config cfg, Routing routing, Plans plans, IntSupplier usageQueue, Accounts accounts) {
    List<String> routes = routing.table().routes().stream().map(Route::name).distinct().toList();
    GatewayMetrics metrics = new GatewayMetrics(List.copyOf(routing.upstreams().keySet()), routes,
        plans.all().stream().map(Plan::name).toList()).usageQueue(usageQueue);
    if (accounts != null) {
      metrics.accounts(accounts.pool()::status);
    }
    RequestLog log = new RequestLog(cfg.integer("request_log.size", 1, 1_000_000), cfg.bool("logging.bodies"));
    Timeline timeline = new Timeline(Clock.systemUTC());
    return new Observed(metrics, log, timeline, RequestObserver.all(List.of(metrics, log, timeline)));
  }

  /** {@code GET /metrics}: the Prometheus text, built off the event loop. */
  void scrape(RoutingContext ctx) {
    ctx.vertx().executeBlocking(metrics::scrape, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", GatewayMetrics.contentType()).end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * Registers the in-flight gauge and, with {@code metrics.listen} set, serves {@code GET /metrics}
   * there without the admin key (an address for the scraper only).
   */
  Future<Void> listen(Vertx vertx, Config cfg, IntSupplier inFlight, List<AutoCloseable> closeables) {
    metrics.inFlight(inFlight);
    String listen = cfg.string("metrics.listen");
    if (listen == null || listen.isBlank()) {
      return Future.succeededFuture();
    }
    Wiring.HostPort hp = Wiring.hostPort(cfg, "metrics.listen");
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::scrape);
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(hp.host()).setPort(hp.port()));
    return server.requestHandler(router).listen().map(s -> {
      closeables.add(() -> s.close().await());
      LOG.info("metrics on {}:{}/metrics (no key)", hp.host(), s.actualPort());
      return null;
    });
  }
}
