package dev.sluice.relay;

import dev.sluice.api.ApiContract;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.bytes.Ascii;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.http.HttpGuard;
import dev.sluice.http.HttpTimeouts;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: one per event loop, each with its {@link #requests} handler, the {@link FrontDoor}
 * before the routes that {@link #routes} lists.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** Path prefixes the OpenAI API has but this gateway does not offer. */
  static final List<String> UNSUPPORTED = List.of("fine_tuning", "fine-tuning", "assistants", "threads",
      "runs", "batches", "files", "uploads", "vector_stores", "audio", "moderations", "realtime", "evals");
  /** Base paths serving the OpenAI-shaped endpoints, each in the {@link ApiContract} that owns it. */
  static final List<String> OPENAI_SHAPED = List.of("/v1", "/api/v1");
  /** Base paths serving Gemini's API: Google's own, and seed 003's. */
  static final List<String> GEMINI_SHAPED = List.of("/v1beta", "/api/v1beta");

  private final List<HttpServer> servers;
  private final InFlight inFlight;

  private Gateway(List<HttpServer> servers, InFlight inFlight) {
    this.servers = servers;
    this.inFlight = inFlight;
  }

  /** Requests between arrival and their usage record. */
  public InFlight inFlight() {
    return inFlight;
  }

  public int port() {
    return servers.get(0).actualPort();
  }

  /**
   * Stops accepting connections and lets requests in flight finish, up to the grace period. A
   * connection accepted as the listener closes is closed unread (see {@link HttpGuard#install}).
   */
  public Future<Void> shutdown(Duration grace) {
    inFlight.stopAccepting();
    return Future.all(servers.stream()
        .map(s -> s.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)).toList()).mapEmpty();
  }

  /**
   * Starts the gateway on one event loop per instance, all sharing one port. Each instance gets
   * its own {@link Services} from {@code perLoop}, called on that instance's event loop, so the
   * upstream client it builds keeps its connections on the same loop as the client connections
   * it serves: no hand-off between threads per request or per streamed event.
   *
   * @param timeouts the connection's idle timeout and the request head and body deadlines
   * @param extra more routes (admin API, ...) added before the catch-all 404
   */
  public static Future<Gateway> start(Vertx vertx, String host, int port, HttpTimeouts timeouts, int instances,
                                      Supplier<Services> perLoop, Consumer<Router> extra) {
    InFlight inFlight = new InFlight();
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    // Vert.x shares one listening socket between servers of equal host and port; a negative port
    // means "one random port, shared", which is what port 0 asks for here.
    int shared = port == 0 ? -1 : port;
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      deployed.add(vertx.deployVerticle(new Instance(host, shared, timeouts, perLoop, extra, inFlight, servers)));
    }
    return Future.all(deployed).map(v -> new Gateway(List.copyOf(servers), inFlight));
  }

  /** One server on one event loop. */
  private static final class Instance extends VerticleBase {
    private final String host;
    private final int port;
    private final HttpTimeouts timeouts;
    private final Supplier<Services> perLoop;
    private final Consumer<Router> extra;
    private final InFlight inFlight;
    private final List<HttpServer> servers;

    Instance(String host, int port, HttpTimeouts timeouts, Supplier<Services> perLoop, Consumer<Router> extra,
             InFlight inFlight, List<HttpServer> servers) {
      this.host = host;
      this.port = port;
      this.timeouts = timeouts;
      this.perLoop = perLoop;
      this.extra = extra;
      this.inFlight = inFlight;
      this.servers = servers;
    }

    @Override
    public Future<?> start() {
      Services services = perLoop.get();
      Handler<HttpServerRequest> requests = requests(vertx, services, extra, inFlight);
      HttpServerOptions options = new HttpServerOptions()
          .setHost(host)
          .setPort(port)
          .setTcpNoDelay(true)
          .setCompressionSupported(false)
          .setIdleTimeout(timeouts.idleSeconds())
          // An h2c upgrade closes the HTTP/1.1 response the relay holds: the first request of each
          // upgraded connection was recorded as a client hang-up (499, no tokens) though it was answered.
          .setHttp2ClearTextEnabled(false)
          .setDecompressionSupported(false)
          // The gateway serves no WebSocket: without these, every connection's pipeline carries a
          // WebSocket extension handler that every read and write passes through
          .setPerFrameWebSocketCompressionSupported(false)
          .setPerMessageWebSocketCompressionSupported(false)
          // Every write to a client happens on its connection's event loop (the relay's callbacks run
          // there): Vert.x then writes straight to the channel instead of through a queue per
          // connection (a 1,025-slot array each, 4 KB of heap per open connection).
          .setStrictThreadMode(true);
      return HttpGuard.install(vertx.createHttpServer(options), services.errors(), timeouts, inFlight::stopping)
          .requestHandler(requests).listen().onSuccess(servers::add);
    }
  }

  /**
   * {@code /healthz}: 200 {@code {"status":"ok"}}, or 503 {@code {"status":"draining"}} once a stop
   * has begun, so that a load balancer takes the instance out before it stops accepting connections.
   */
  private static void health(RoutingContext ctx, InFlight inFlight) {
    if (inFlight.draining()) {
      ctx.response().setStatusCode(503).putHeader("Retry-After", "1");
      ctx.json(new JsonObject().put("status", "draining"));
    } else {
      ctx.json(new JsonObject().put("status", "ok"));
    }
  }

  /**
   * Reads a request's body whole, up to the configured limit, into a buffer of its Content-Length
   * (vertx-web's default is 1 KiB grown by copies, and the buffer lives as long as a stream does).
   */
  private static BodyHandler requestBodies(Services services) {
    return BodyHandler.create(false).setBodyLimit(services.maxBodyBytes()).setPreallocateBodyBuffer(true);
  }

  /**
   * While the gateway drains, every answer closes its connection ({@code Connection: close}), so a
   * load balancer's kept-alive connections are gone before the listener closes and no request is
   * sent on a connection the stop would reset.
   */
  private static void closeWhileDraining(RoutingContext ctx, InFlight inFlight) {
    if (inFlight.draining()) {
      ctx.response().putHeader("Connection", "close");
      ctx.addEndHandler(ar -> ctx.request().connection().close());
    }
  }

  /**
   * The server's request handler: the relay's fixed paths straight to the relay ({@link FrontDoor}), the
   * rest through {@link #routes}.
   */
  static Handler<HttpServerRequest> requests(Vertx vertx, Services services, Consumer<Router> extra,
                                             InFlight inFlight) {
    RelayHandler relay = new RelayHandler(services, inFlight);
    return new FrontDoor(routes(vertx, services, extra, inFlight, relay), relay, services, inFlight);
  }

  /**
   * The relay's fixed paths, each with the endpoint it serves: every endpoint but the model list and
   * Gemini's under each OpenAI-shaped base path; Anthropic's only under {@code /v1}, where its clients
   * look for it ({@code /v1/messages}).
   */
  static void relayPaths(BiConsumer<String, Endpoint> each) {
    for (String prefix : OPENAI_SHAPED) {
      for (Endpoint e : Endpoint.values()) {
        if (e == Endpoint.MODELS || e.dialect() == Dialect.GEMINI
            || e.dialect() == Dialect.ANTHROPIC && !prefix.equals("/v1")) {
          continue;
        }
        each.accept(prefix + "/" + e.path(), e);
      }
    }
  }

  /**
   * Every route, in order; {@code extra} routes go before the catch-all 404. The relay's fixed paths
   * are here too, for requests the {@link FrontDoor} leaves to the router (and the same answers).
   */
  static Router routes(Vertx vertx, Services services, Consumer<Router> extra, InFlight inFlight,
                       RelayHandler relay) {
    Router router = Router.router(vertx);

    // every request: its id, the drain's Connection: close, the contract of its base path (one
    // handler, not three routes, for what every request needs)
    router.route().handler(ctx -> {
      requestId(ctx);
      closeWhileDraining(ctx, inFlight);
      ApiContract contract = ApiContract.ofPath(ctx.normalizedPath());
      if (contract != null) {
        ctx.put(RelayHandler.CONTRACT, contract);
      }
      ctx.next();
    });
    router.get("/healthz").handler(ctx -> health(ctx, inFlight));
    router.get("/docs/:page").handler(Gateway::docs);
    relayPaths((path, e) -> {
      // two routes: vertx-web puts a body handler before any other handler of its route
      router.post(path).handler(ctx -> {
        ctx.put(RelayHandler.ENDPOINT, e);
        bodyIsNotAForm(ctx);
      });
      router.post(path).handler(requestBodies(services)).handler(ctx -> relay.handle(ctx, e));
    });
    for (String prefix : OPENAI_SHAPED) {
      router.get(prefix + "/models").handler(ctx -> relay.handle(ctx, Endpoint.MODELS));
      for (String u : UNSUPPORTED) {
        router.route(prefix + "/" + u).handler(ctx -> RelayHandler.failEarly(ctx, services,
            ApiError.unsupportedEndpoint(ctx.request().path())));
        router.route(prefix + "/" + u + "/*").handler(ctx -> RelayHandler.failEarly(ctx, services,
            ApiError.unsupportedEndpoint(ctx.request().path())));
      }
    }
    for (String base : GEMINI_SHAPED) {
      geminiRoutes(router, base, relay, services);
    }
    if (extra != null) {
      extra.accept(router);
    }
    router.route().handler(ctx -> RelayHandler.failEarly(ctx, services,
        ApiError.notFound("Unknown request URL: " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(ctx -> {
      if (ctx.response().closed()) {
        // the client hung up or the protocol guard closed the connection: nothing to answer, not our fault
        LOG.debug("connection closed before {} {} was answered", ctx.request().method(), ctx.request().path());
        return;
      }
      RelayHandler.failEarly(ctx, services, failure(ctx, services));
    });
    return router;
  }

  /**
   * Gemini's API under {@code base}: {@code GET models}, {@code GET models/{model}} and
   * {@code POST models/{model}:{method}}. The model and method are split by the route's pattern (a
   * plain {@code :model} parameter would capture {@code gemini-2.5-pro:generateContent} whole).
   */
  private static void geminiRoutes(Router router, String base, RelayHandler relay, Services services) {
    String quoted = Pattern.quote(base);
    router.route(base + "/*").handler(ctx -> {
      ctx.put(RelayHandler.DIALECT, Dialect.GEMINI);
      ctx.next();
    });
    router.get(base + "/models").handler(ctx -> relay.handle(ctx, Endpoint.MODELS));
    router.getWithRegex(quoted + "/models/(?<model>[^/:]+)").handler(ctx -> relay.handle(ctx, Endpoint.MODELS));
    String generate = quoted + "/models/(?<model>[^/:]+):(?<method>[A-Za-z]+)";
    router.postWithRegex(generate).handler(ctx -> {
      Endpoint e = geminiEndpoint(ctx.pathParam("method"));
      if (e == null) {
        RelayHandler.failEarly(ctx, services, ApiError.notFound("Method '" + ctx.pathParam("method")
            + "' is not served by this gateway; it serves generateContent, streamGenerateContent and countTokens"));
        return;
      }
      ctx.put(RelayHandler.ENDPOINT, e);
      bodyIsNotAForm(ctx);
    });
    router.postWithRegex(generate).handler(requestBodies(services))
        .handler(ctx -> relay.handle(ctx, ctx.get(RelayHandler.ENDPOINT)));
  }

  /** The endpoint of a Gemini method name, or null. */
  static Endpoint geminiEndpoint(String method) {
    for (Endpoint e : Endpoint.values()) {
      if (e.dialect() == Dialect.GEMINI && e.path().equals(method)) {
        return e;
      }
    }
    return null;
  }

  private static ApiError failure(RoutingContext ctx, Services services) {
    int status = ctx.statusCode();
    if (status == 413) {
      return ApiError.bodyTooLarge(services.maxBodyBytes());
    }
    if (status == 405) {
      return ApiError.of(405, ApiError.INVALID_REQUEST, "method not allowed", "method_not_allowed");
    }
    if (status == 404) {
      return ApiError.notFound("Unknown request URL: " + ctx.request().path());
    }
    if (status >= 400 && status < 500) {
      return ApiError.invalidRequest("bad request");
    }
    if (ctx.failure() instanceof GatewayException g) {
      return g.error();
    }
    LOG.error("unexpected failure on {}: {}",
        ctx.request().path(), String.valueOf(ctx.failure()));
    return ApiError.internal();
  }

  /** Where {@link #bodyIsNotAForm} keeps the client's Content-Type. */
  static final String CONTENT_TYPE = "sluice.contentType";

  /**
   * Bodies are JSON whatever the Content-Type says ({@code curl -d} sends form-urlencoded), so the
   * body handler must not decode them as forms: that fails on long fields. The client's value is
   * kept for the relay, which refuses multipart bodies.
   */
  private static void bodyIsNotAForm(RoutingContext ctx) {
    String kept = formTypeKept(ctx.request());
    if (kept != null) {
      ctx.put(CONTENT_TYPE, kept);
    }
    ctx.next();
  }

  /**
   * {@link #bodyIsNotAForm}'s work on the request: a form's or multipart's Content-Type is replaced (so
   * no body handler decodes it) and returned; null for any other.
   */
  static String formTypeKept(HttpServerRequest request) {
    String ct = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct != null && !ct.regionMatches(true, 0, "application/json", 0, 16)) {
      String lower = ct.toLowerCase(Locale.ROOT);
      if (lower.contains("multipart/") || lower.contains("application/x-www-form-urlencoded")) {
        request.headers().set(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
        return ct;
      }
    }
    return null;
  }

  private static final HexFormat HEX = HexFormat.of();
  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-ID");

  private static void requestId(RoutingContext ctx) {
    ctx.put(RelayHandler.ARRIVED, System.nanoTime());
    ctx.put(RelayHandler.REQUEST_ID, requestId(ctx.request()));
  }

  /**
   * The request's id, put on its response as {@code X-Request-ID}: the client's own when it sent a usable
   * one (printable ASCII, up to 200 characters), else a new one.
   */
  static String requestId(HttpServerRequest request) {
    String id = request.getHeader(X_REQUEST_ID);
    if (id == null || id.isBlank() || id.length() > 200 || !id.chars().allMatch(c -> c > 32 && c < 127)) {
      // unique, not secret: a thread-local generator, not SecureRandom (a lock and a system call per request)
      ThreadLocalRandom r = ThreadLocalRandom.current();
      id = "req_" + HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextInt());
    }
    request.response().headers().set(X_REQUEST_ID, Ascii.of(id));
    return id;
  }

  private static void docs(RoutingContext ctx) {
    String page = ctx.pathParam("page");
    if (!page.matches("[a-z0-9-]{1,40}")) {
      ctx.next();
      return;
    }
    try (InputStream in = Gateway.class.getResourceAsStream("/docs/" + page + ".md")) {
      if (in == null) {
        ctx.next();
        return;
      }
      ctx.response().putHeader("Content-Type", "text/markdown; charset=utf-8")
          .end(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      ctx.fail(e);
    }
  }
}
