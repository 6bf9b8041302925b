package dev.sluice.relay;

import dev.sluice.api.ApiContract;
import dev.sluice.api.Dialect;
import dev.sluice.dialect.anthropic.inbound.AnthropicErrorBody;
import dev.sluice.dialect.anthropic.inbound.AnthropicModels;
import dev.sluice.dialect.anthropic.inbound.MessagesRequestToChat;
import dev.sluice.dialect.gemini.inbound.GenerateContentToChat;
import dev.sluice.dialect.gemini.inbound.GeminiErrorBody;
import dev.sluice.dialect.gemini.inbound.GeminiModels;
import dev.sluice.api.Endpoint;
import dev.sluice.bytes.Ascii;
import dev.sluice.bytes.BufferBytes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.keys.Principal;
import dev.sluice.metrics.Bodies;
import dev.sluice.metrics.BodyCapture;
import dev.sluice.metrics.RequestRecord;
import dev.sluice.provider.AttemptLog;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.UpstreamFailures;
import dev.sluice.provider.UpstreamLink;
import dev.sluice.ratelimit.Admission;
import dev.sluice.ratelimit.RateLimitHeaders;
import dev.sluice.route.Route;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseParser;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenEstimate;
import dev.sluice.usage.TokenUsage;
import dev.sluice.usage.UsageRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: one request from the client to a provider and back. Authenticates, parses and
 * validates, admits against limits, calls the provider, and writes its reply: bodies whole, event
 * streams event by event with backpressure, a client hang-up cancelling the upstream request. Every
 * request ends in {@link #finish}: one access-log line and one usage record.
 */
public final class RelayHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);
  static final String REQUEST_ID = "sluice.requestId";
  /** Where {@link Gateway#routes} keeps the request's arrival ({@link System#nanoTime}). */
  static final String ARRIVED = "sluice.arrived";
  /** Where {@link Gateway#routes} puts the {@link ApiContract} of the request's base path. */
  static final String CONTRACT = "sluice.contract";
  /** Where the route keeps the endpoint it serves, for errors answered before the relay runs (413, ...). */
  static final String ENDPOINT = "sluice.endpoint";
  /**
   * Where a route puts the dialect its clients speak when the endpoint alone does not say it (Gemini's
   * {@code GET models}); errors, model lists and stream framing follow it.
   */
  static final String DIALECT = "sluice.dialect";

  private final Services services;
  private final InFlight inFlight;

  public RelayHandler(Services services, InFlight inFlight) {
    this.services = services;
    this.inFlight = inFlight;
  }

  /** Per-request state, filled forward and read once by {@link #finish}. */
  private final class Exchange implements InFlight.Request {
    /** The request: its endpoint, id, contract and the client's dialect (its answers, errors, model lists). */
    final Inbound in;
    final HttpServerResponse response;
    final Context context;
    final long startNanos = System.nanoTime();
    Principal principal;
    ObjectNode body;
    /**
     * The request as chat completions (an Anthropic request translated); the body for OpenAI clients; null
     * for a Gemini request the router translates when a target needs it.
     */
    ObjectNode hub;
    String model;
    /** The route of the model, resolved once; null when none matches (or before the body is read). */
    Route route;
    boolean stream;
    long upstreamStartNanos;
    long upstreamLatencyMillis = -1;
    TokenUsage usage = TokenUsage.NONE;
    String account;
    Map<String, String> limitHeaders = Map.of();
    UpstreamLink link;
    final AttemptLog attempts = new AttemptLog();
    /** The stream being relayed, once the response head went out as an event stream. */
    Reply.Stream relaying;
    /** A Gemini stream asked for without {@code alt=sse}: one JSON array, written element by element. */
    JsonArrayFraming array;
    TokenEstimate relayed;
    long eventsWritten;
    /** The bodies kept for the request log ({@code logging.bodies}); null when off, and nothing is copied. */
    final BodyCapture bodies;
    /** When the first byte of the body (a stream's first event) was written; 0 before. */
    long firstByteNanos;
    boolean finished;

    Exchange(Inbound in, Context context) {
      this.in = in;
      this.response = in.request().response();
      this.context = context;
      this.bodies = services.keepBodies() ? new BodyCapture(Bodies.LIMIT) : null;
    }

    /** Notes bytes of the answer as written to the client, for the request log when it keeps bodies. */
    Buffer sent(Buffer b) {
      if (bodies != null) {
        bodies.answer(b);
      }
      return b;
    }

    @Override
    public void abort(ApiError error) {
      context.runOnContext(v -> {
        if (!finished) {
          fail(this, error.exception());
        }
      });
    }
  }

  /** A vertx-web route's request: see {@link #handle(Inbound)}. */
  public void handle(RoutingContext ctx, Endpoint endpoint) {
    handle(Inbound.of(ctx, endpoint));
  }

  /**
   * Relays one request, on its connection's event loop, its body read whole: the key, then the body and
   * the model, then the limits, then the upstream, each step run as soon as the one before has its
   * answer (at once for a cached key and the in-memory limiter).
   */
  void handle(Inbound in) {
    Exchange ex = new Exchange(in, Vertx.currentContext());
    inFlight.enter(ex);
    ex.response.closeHandler(v -> clientGone(ex));
    then(ex, authenticate(ex.in.request(), ex.in.dialect()), p -> authenticated(ex, p));
  }

  /**
   * Runs {@code next} with the future's value once it has one: at once when it is complete already, without
   * the promise and listener a {@code compose} makes. A failure, or an exception {@code next} throws,
   * answers the request with the error.
   */
  private <T> void then(Exchange ex, Future<T> f, Consumer<T> next) {
    if (f.isComplete()) {
      step(ex, f, next);
    } else {
      f.onComplete(ar -> step(ex, f, next));
    }
  }

  private <T> void step(Exchange ex, Future<T> f, Consumer<T> next) {
    if (f.failed()) {
      fail(ex, f.cause());
      return;
    }
    try {
      next.accept(f.result());
    } catch (RuntimeException e) {
      fail(ex, e);
    }
  }

  /** The key is good: the body read, validated and routed, then the limits asked. */
  private void authenticated(Exchange ex, Principal p) {
    ex.principal = p;
    Endpoint endpoint = ex.in.endpoint();
    if (endpoint != Endpoint.MODELS) {
      ObjectNode body = parseBody(ex.in);
      ex.body = body;
      if (endpoint.dialect() == Dialect.GEMINI) {
        geminiRequest(ex, ex.in.pathModel());
      } else {
        ex.stream = body.path("stream").asBoolean(false);
        ex.model = RelayCall.modelOf(body);
        ex.route = services.dispatcher().route(ex.model);
        services.validator().validate(ex.in.contract(), endpoint, body);
        ex.hub = endpoint == Endpoint.MESSAGES ? MessagesRequestToChat.translate(body) : body;
      }
      if (endpoint.dialect() == Dialect.ANTHROPIC && ex.model == null) {
        throw ApiError.invalidParam("model", "model: Field required").exception();
      }
      if (ex.model != null && !p.allows(ex.model)) {
        throw ApiError.modelNotAllowed(ex.model).exception();
      }
      ApiError unroutable = services.dispatcher().refuse(endpoint, ex.model, ex.route);
      if (unroutable != null) {
        throw unroutable.exception();
      }
    }
    then(ex, services.rateLimiter().admit(p, endpoint.endpointClass()), adm -> admitted(ex, adm));
  }

  /** The limits answered: refused, or the request sent upstream. */
  private void admitted(Exchange ex, Admission adm) {
    ex.limitHeaders = adm.headers();
    if (!adm.admitted()) {
      fail(ex, adm.toError().exception());
      return;
    }
    if (ex.finished) {
      // the client hung up while it was being admitted: nothing goes upstream
      return;
    }
    ex.upstreamStartNanos = System.nanoTime();
    ex.link = UpstreamLink.open(ex.context.owner(), services.upstreamIdleMillis(), () -> timedOut(ex));
    ObjectNode body = ex.body;
    RelayCall call = new RelayCall(ex.in.endpoint(), body, ex.stream, ex.in.requestId(), ex.principal,
        ex.in.request().headers(), body == null ? null : ex.in.body(), ex.link, ex.attempts, false, ex.hub);
    then(ex, ex.in.endpoint() == Endpoint.MODELS ? services.dispatcher().models(call)
        : services.dispatcher().send(call, ex.route), reply -> replied(ex, reply));
  }

  /** The upstream answered: its body or its stream written to the client. */
  private void replied(Exchange ex, Reply reply) {
    if (ex.finished) {
      // answered too late: the client left, the request timed out or the gateway is stopping
      if (reply instanceof Reply.Stream s) {
        s.source().exceptionHandler(t -> { });
        s.cancel().run();
      }
      return;
    }
    ex.upstreamLatencyMillis = (System.nanoTime() - ex.upstreamStartNanos) / 1_000_000;
    ex.account = reply.account();
    switch (reply) {
      case Reply.Body b -> writeBody(ex, b);
      case Reply.Stream s -> writeStream(ex, s);
    }
  }

  /**
   * A Gemini request: the model comes from the path (and is put into the body, for the router and for
   * providers that read it there; a Gemini upstream is sent the client's own bytes), the stream from the
   * method; the hub is the request as chat completions. When a target of the model's route speaks
   * Gemini, the body gets only the checks every target needs, and no hub: what only Gemini takes
   * (Google's own tools, several candidates, ...) reaches it, and the router translates for a chat
   * target when it comes to one. Otherwise it is translated here, refused before any quota is used.
   */
  private void geminiRequest(Exchange ex, String model) {
    ex.model = model;
    ex.route = services.dispatcher().route(model);
    ex.stream = ex.in.endpoint() == Endpoint.STREAM_GENERATE_CONTENT;
    if (ex.in.endpoint() == Endpoint.GEMINI_COUNT_TOKENS) {
      ex.hub = ex.body;
    } else if (services.dispatcher().servesNatively(ex.in.endpoint(), ex.route)) {
      GenerateContentToChat.checkShape(ex.body);
      ex.hub = null;
    } else {
      ex.hub = GenerateContentToChat.translate(ex.body, model, ex.stream);
    }
    ex.body.put("model", model);
  }

  /**
   * The client hung up, in whatever phase: the upstream request is cancelled (by {@link #finish}) and
   * the request recorded as 499 with the tokens it had been sent.
   */
  private void clientGone(Exchange ex) {
    if (ex.finished) {
      return;
    }
    if (ex.relaying != null) {
      ex.usage = usageSoFar(ex);
    }
    finish(ex, 499, "client_closed");
  }

  /** The upstream's usage when it arrived; otherwise what the gateway counted of prompt and output. */
  private static TokenUsage usageSoFar(Exchange ex) {
    TokenUsage reported = ex.relaying.mapper().usage();
    if (reported.completionTokens() > 0) {
      return reported;
    }
    long prompt = reported.promptTokens() > 0 ? reported.promptTokens() : TokenEstimate.promptTokens(ex.body);
    return new TokenUsage(prompt, ex.relayed.completionTokens(), reported.cachedTokens(), reported.reasoningTokens());
  }

  /** Nothing came from the upstream for the timeout, in any phase. */
  private void timedOut(Exchange ex) {
    if (ex.finished) {
      return;
    }
    if (ex.relaying != null) {
      streamFailed(ex, ApiError.of(504, ApiError.API, "upstream stalled: no data within the timeout",
          "upstream_timeout"));
    } else {
      fail(ex, ApiError.upstreamTimeout().exception());
    }
  }

  /**
   * The caller's key: {@code Authorization: Bearer}, Anthropic's {@code x-api-key}, Google's
   * {@code x-goog-api-key}, and for Gemini clients Google's {@code ?key=} too.
   */
  private Future<Principal> authenticate(HttpServerRequest request, Dialect dialect) {
    String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
    String key = null;
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = auth.substring(7).trim();
    } else if (request.getHeader("x-api-key") != null) {
      key = request.getHeader("x-api-key").trim();
    } else if (request.getHeader("x-goog-api-key") != null) {
      key = request.getHeader("x-goog-api-key").trim();
    } else if (dialect == Dialect.GEMINI && request.getParam("key") != null) {
      key = request.getParam("key").trim();
    }
    if (key == null || key.isEmpty()) {
      return Future.failedFuture(ApiError.invalidApiKey().exception());
    }
    return services.authenticator().authenticate(key);
  }

  private ObjectNode parseBody(Inbound in) {
    Buffer body = in.body();
    if (body == null || body.length() == 0) {
      throw ApiError.invalidRequest("request body is empty; expected a JSON object").exception();
    }
    String ct = in.clientContentType() != null ? in.clientContentType()
        : in.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct != null && ct.toLowerCase(Locale.ROOT).trim().startsWith("multipart/")) {
      throw ApiError.invalidRequest("multipart bodies are not supported; send application/json").exception();
    }
    JsonNode node;
    try {
      BufferBytes bytes = BufferBytes.of(body);
      if (!Utf8.isValid(bytes.array(), bytes.offset(), bytes.length())) {
        throw ApiError.invalidRequest("request body is not valid UTF-8").exception();
      }
      node = Json.parse(bytes.array(), bytes.offset(), bytes.length());
    } catch (GatewayException e) {
      throw e;
    } catch (Exception e) {
      throw ApiError.invalidRequest("invalid request body json").exception();
    }
    if (node == null || !node.isObject()) {
      throw ApiError.invalidRequest("request body must be a JSON object").exception();
    }
    return (ObjectNode) node;
  }

  private void writeHeaders(Exchange ex, HttpServerResponse resp, MultiMap upstream) {
    MultiMap out = resp.headers();
    if (upstream != null) {
      for (Map.Entry<String, String> h : upstream) {
        CharSequence name = clientHeaderFor(h.getKey());
        if (name != null) {
          out.add(name, Ascii.of(h.getValue()));
        }
      }
    }
    // X-Request-ID is on the response since the request came in (Gateway)
    String served = ex.attempts.upstream();
    if (served != null) {
      out.set(SLUICE_UPSTREAM, served);
    }
    for (Map.Entry<String, String> h : RateLimitHeaders.forContract(ex.in.contract(), ex.limitHeaders).entrySet()) {
      String name = h.getKey();
      CharSequence wire = RateLimitHeaders.wireName(name);
      if (RateLimitHeaders.fromUpstreamToo(name)) {
        out.set(wire, Ascii.of(h.getValue()));   // the limiter's wait replaces the upstream's
      } else {
        out.add(wire, Ascii.of(h.getValue()));   // a name of the limiter's own: nothing to replace
      }
    }
  }

  private static final CharSequence SLUICE_UPSTREAM = HttpHeaders.createOptimized("x-sluice-upstream");
  private static final CharSequence RETRY_AFTER = RateLimitHeaders.wireName(RateLimitHeaders.RETRY_AFTER);
  private static final CharSequence RETRY_AFTER_MS = RateLimitHeaders.wireName(RateLimitHeaders.RETRY_AFTER_MS);
  private static final CharSequence UPSTREAM_REQUEST_ID = HttpHeaders.createOptimized("X-Upstream-Request-ID");

  /**
   * The upstream response headers a client sees, by allow-list: the body's type, the upstream's retry
   * advice, and its request id under a name of its own (the client's {@code X-Request-ID} is the
   * gateway's). Everything else (organisation ids, processing times, vendor headers) stays here.
   * Returns the header name to use, or null to drop it.
   */
  static CharSequence clientHeaderFor(String upstreamName) {
    return switch (upstreamName.length()) {
      case 10 -> upstreamName.equalsIgnoreCase("request-id") ? UPSTREAM_REQUEST_ID : null;
      case 11 -> upstreamName.equalsIgnoreCase("retry-after") ? RETRY_AFTER : null;
      case 12 -> upstreamName.equalsIgnoreCase("content-type") ? HttpHeaders.CONTENT_TYPE
          : upstreamName.equalsIgnoreCase("x-request-id") ? UPSTREAM_REQUEST_ID : null;
      case 14 -> upstreamName.equalsIgnoreCase("retry-after-ms") ? RETRY_AFTER_MS : null;
      default -> null;
    };
  }

  private void writeBody(Exchange ex, Reply.Body b) {
    HttpServerResponse resp = ex.response;
    ex.usage = b.usage();
    // an upstream's 529 in Google's shape (the router read it as it came, to fall back on it) goes out as 503
    int status = ex.in.dialect() == Dialect.GEMINI ? GeminiErrorBody.httpStatus(b.status()) : b.status();
    if (status != 200) {   // 200 is the response's own
      resp.setStatusCode(status);
    }
    writeHeaders(ex, resp, b.headers());
    Buffer body = b.body();
    if (ex.in.endpoint() == Endpoint.MODELS && b.status() < 300) {
      try {
        ObjectNode list = ModelCatalog.shape(Json.parse(body.getBytes()), ex.principal);
        if (ex.in.dialect() == Dialect.GEMINI) {
          List<ObjectNode> models = new ArrayList<>();
          list.path("data").forEach(m -> models.add((ObjectNode) m));
          String one = ex.in.pathModel();
          if (one != null) {
            ObjectNode found = models.stream().filter(m -> one.equals(m.path("id").asText())).findFirst().orElse(null);
            if (found == null) {
              fail(ex, ApiError.notFound("models/" + one + " is not found for API version v1beta, or is not "
                  + "supported for generateContent.").exception());
              return;
            }
            list = GeminiModels.model(found);
          } else {
            list = GeminiModels.list(models);
          }
        } else if (ex.in.request().getHeader("anthropic-version") != null) {
          // an Anthropic client (Claude Code's model discovery): Anthropic's list shape
          List<ObjectNode> models = new ArrayList<>();
          list.path("data").forEach(m -> models.add((ObjectNode) m));
          list = AnthropicModels.list(models);
        }
        body = Buffer.buffer(Json.write(list));
      } catch (Exception e) {
        fail(ex, ApiError.upstreamError("upstream returned an unreadable model list").exception());
        return;
      }
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    if (resp.headers().get(HttpHeaders.CONTENT_TYPE) == null) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    String code = b.status() >= 400 ? "upstream_" + b.status() : null;
    if (code != null && ex.in.dialect() == Dialect.OPENAI) {
      body = Buffer.buffer(services.errors().relayed(ex.in.contract(), b.status(), body.getBytes()));
    }
    ex.firstByteNanos = System.nanoTime();
    resp.end(ex.sent(body));
    finish(ex, resp.getStatusCode(), code);
  }

  private void writeStream(Exchange ex, Reply.Stream s) {
    HttpServerResponse resp = ex.response;
    resp.setStatusCode(s.status());
    writeHeaders(ex, resp, s.headers());
    ex.array = ex.in.dialect() == Dialect.GEMINI && !"sse".equals(ex.in.request().getParam("alt"))
        ? new JsonArrayFraming() : null;
    resp.putHeader(HttpHeaders.CONTENT_TYPE, ex.array != null ? "application/json; charset=UTF-8"
        : "text/event-stream; charset=utf-8");
    resp.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    resp.putHeader("X-Accel-Buffering", "no");
    resp.setChunked(true);
    ex.relaying = s;
    ex.relayed = new TokenEstimate(ex.in.dialect());
    ex.link.relaying();
    var source = s.source();
    UpstreamLink link = ex.link;
    JsonArrayFraming array = ex.array;
    Consumer<Buffer> out = buf -> {
      resp.write(ex.sent(array == null ? buf : array.element(buf)));
      if (ex.eventsWritten++ == 0) {
        ex.firstByteNanos = System.nanoTime();
      }
      ex.relayed.relayed(buf);
      if (resp.writeQueueFull()) {
        source.pause();
        link.hold(true);
        resp.drainHandler(v -> {
          link.hold(false);
          source.resume();
        });
      }
    };
    SseParser parser = new SseParser(ev -> s.mapper().onEvent(ev, out));
    source.exceptionHandler(t -> streamFailed(ex, UpstreamFailures.midStream(t)));
    source.handler(buf -> {
      if (ex.finished) {
        return;
      }
      link.progress();
      try {
        BufferBytes bytes = BufferBytes.of(buf);
        parser.feed(bytes.array(), bytes.offset(), bytes.length());
      } catch (GatewayException e) {
        streamFailed(ex, e.error());
      }
    });
    source.endHandler(v -> {
      if (ex.finished) {
        return;
      }
      try {
        parser.flush();
        s.mapper().onEnd(out);
      } catch (GatewayException e) {
        streamFailed(ex, e.error());
        return;
      }
      ex.usage = s.mapper().usage();
      if (array != null) {
        resp.end(ex.sent(array.end()));
      } else {
        resp.end();
      }
      finish(ex, s.status(), null);
    });
    resp.writeHead();
    source.resume();
  }

  /** Ends a stream whose head went out with the error as the client dialect's error event. */
  private void streamFailed(Exchange ex, ApiError error) {
    if (ex.finished) {
      return;
    }
    ex.usage = usageSoFar(ex);
    HttpServerResponse resp = ex.response;
    if (!resp.ended() && !resp.closed()) {
      resp.write(ex.sent(errorEvent(ex, error)));
      resp.end();
    }
    finish(ex, error.status(), error.code());
  }

  /**
   * An error inside an event stream, in the inbound endpoint's own shape: a Responses {@code error}
   * event (with its {@code event:} line and the next sequence number) on {@code /v1/responses}, the
   * {@code data: {"error":...}} chunk everywhere else.
   */
  private Buffer errorEvent(Exchange ex, ApiError error) {
    if (ex.array != null) {
      return ex.array.end(Buffer.buffer(Json.write(GeminiErrorBody.of(error))));
    }
    switch (ex.in.dialect()) {
      case ANTHROPIC -> {
        return SseWriter.encode(new SseEvent("error", Json.write(AnthropicErrorBody.of(error)), null));
      }
      case GEMINI -> {
        return SseWriter.data(Json.write(GeminiErrorBody.of(error)));
      }
      case OPENAI -> {
        // below
      }
    }
    if (ex.in.endpoint() == Endpoint.RESPONSES) {
      return SseWriter.encode(new SseEvent("error", services.errors().responsesEvent(error, ex.eventsWritten), null));
    }
    return SseWriter.data(services.errors().render(ex.in.contract(), error));
  }

  /** Answers with an error: a JSON envelope before the first byte; an SSE error event after it. */
  void fail(Exchange ex, Throwable t) {
    if (ex.finished) {
      return;
    }
    ApiError error = services.errors().as(ex.in.contract(),
        t instanceof GatewayException g ? g.error() : ApiError.internal());
    if (ex.in.dialect() == Dialect.GEMINI && t instanceof GatewayException g) {
      error = GeminiErrorBody.forClient(error, g.kind());
    }
    if (!(t instanceof GatewayException)) {
      LOG.error("request_id={} unexpected failure: {}", ex.in.requestId(), t.toString());
    }
    HttpServerResponse resp = ex.response;
    if (resp.closed() || resp.ended()) {
      finish(ex, error.status(), error.code());
      return;
    }
    if (ex.relaying != null) {
      streamFailed(ex, error);
      return;
    }
    int status = statusFor(ex.in.dialect(), error);
    if (!resp.headWritten()) {
      resp.setStatusCode(status);
      writeHeaders(ex, resp, null);
      RateLimitHeaders.forContract(ex.in.contract(), error.headers()).forEach(resp::putHeader);
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      resp.end(ex.sent(Buffer.buffer(errorBody(ex.in.dialect(), ex.in.contract(), error))));
    }
    finish(ex, status, error.code());
  }

  private void finish(Exchange ex, int status, String errorCode) {
    if (ex.finished) {
      return;
    }
    ex.finished = true;
    UpstreamLink link = ex.link;
    if (link != null) {
      if (status >= 400) {
        link.cancel();
      }
      link.close();
    }
    try {
      record(ex, status, errorCode);
    } finally {
      inFlight.exit(ex);
      ex.relaying = null;
      ex.relayed = null;
      ex.body = null;
    }
  }

  private void record(Exchange ex, int status, String errorCode) {
    long latency = (System.nanoTime() - ex.startNanos) / 1_000_000;
    String keyId = ex.principal == null ? null : ex.principal.keyId();
    AttemptLog attempts = ex.attempts;
    services.accessLog().log(new AccessLog.Entry(ex.in.requestId(), ex.in.request().method().name(),
        ex.in.request().path(), ex.model, status, latency, ex.upstreamLatencyMillis, keyId, errorCode, ex.stream,
        attempts.upstream(), attempts.model(), attempts.count() > 1 ? attempts.describe() : null));
    if (ex.principal != null && ex.in.endpoint() != Endpoint.MODELS) {
      TokenUsage u = ex.usage;
      if (u.totalTokens() > 0) {
        services.rateLimiter().recordTokens(ex.principal, ex.in.endpoint().endpointClass(), u.totalTokens());
      }
      services.usage().record(new UsageRecord(services.clock().instant(), ex.in.requestId(), keyId,
          ex.in.endpoint().path(), ex.model, attempts.upstream(), ex.account, u.promptTokens(),
          u.completionTokens(), u.cachedTokens(), u.reasoningTokens(), latency, status, errorCode, attempts.model(),
          attempts.count()));
    }
    Principal p = ex.principal;
    long firstByte = ex.firstByteNanos != 0 ? ex.firstByteNanos : ex.response.ended() ? System.nanoTime() : 0;
    services.observer().finished(new RequestRecord(services.clock().millis(), ex.in.requestId(), ex.in.endpoint(),
        ex.in.request().path(), keyId,
        p == null ? null : p.name(), p == null ? null : p.plan(), ex.model, ex.route == null ? null : ex.route.name(),
        attempts, ex.account, status, errorCode, latency,
        firstByte == 0 ? -1 : (firstByte - ex.startNanos) / 1_000_000, ex.stream, ex.usage, bodiesOf(ex)));
  }

  /** The request's bodies for the request log: null unless {@code logging.bodies} is on. */
  private static Bodies bodiesOf(Exchange ex) {
    if (ex.bodies == null) {
      return null;
    }
    if (ex.in.endpoint() != Endpoint.MODELS) {
      ex.bodies.request(ex.in.body());
    }
    return ex.bodies.bodies();
  }

  /** The contract of the request's base path; {@link ApiContract#OPENAI} outside every base path. */
  static ApiContract contractOf(RoutingContext ctx) {
    return ctx.get(CONTRACT, ApiContract.OPENAI);
  }

  /**
   * Renders an error for a request that never reached the relay (routing, body limit) and records it for
   * the meters and the request log: no key, model or route; the endpoint when a route had taken it (a
   * body over the limit), else none ({@code endpoint="other"}).
   */
  static void failEarly(RoutingContext ctx, Services services, ApiError raw) {
    Long arrived = ctx.get(ARRIVED);
    failEarly(ctx.request(), ctx.get(ENDPOINT), ctx.get(REQUEST_ID), arrived == null ? 0 : arrived, contractOf(ctx),
        dialectOf(ctx), services, raw);
  }

  /**
   * {@link #failEarly(RoutingContext, Services, ApiError)} of a request the front door took: its endpoint (or
   * null), id, arrival ({@link System#nanoTime}, 0 when unknown), contract and dialect.
   */
  static void failEarly(HttpServerRequest request, Endpoint endpoint, String rid, long arrivedNanos,
                        ApiContract contract, Dialect dialect, Services services, ApiError raw) {
    HttpServerResponse resp = request.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    ApiError error = services.errors().as(contract, raw);
    int status = statusFor(dialect, error);
    resp.setStatusCode(status);
    if (rid != null) {
      resp.putHeader("X-Request-ID", rid);
    }
    error.headers().forEach(resp::putHeader);
    resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    resp.end(errorBody(dialect, contract, error, services));
    long millis = arrivedNanos == 0 ? 0 : (System.nanoTime() - arrivedNanos) / 1_000_000;
    services.observer().finished(new RequestRecord(services.clock().millis(), rid, endpoint,
        request.path(), null, null, null, null, null, new AttemptLog(), null, status, error.code(), millis,
        millis, false, TokenUsage.NONE, null));
  }

  /** The HTTP status of an error in the client's dialect (Gemini clients get no 529: {@link GeminiErrorBody#httpStatus}). */
  private static int statusFor(Dialect dialect, ApiError error) {
    return dialect == Dialect.GEMINI ? GeminiErrorBody.httpStatus(error.status()) : error.status();
  }

  /** An error's JSON body in the client's dialect. */
  private static String errorBody(Dialect dialect, ApiContract contract, ApiError error, Services services) {
    return switch (dialect) {
      case OPENAI -> services.errors().render(contract, error);
      case ANTHROPIC -> Json.write(AnthropicErrorBody.of(error));
      case GEMINI -> Json.write(GeminiErrorBody.of(error));
    };
  }

  private String errorBody(Dialect dialect, ApiContract contract, ApiError error) {
    return errorBody(dialect, contract, error, services);
  }

  /** The dialect of the request's route or, failing that, of its endpoint; OpenAI's when neither says. */
  static Dialect dialectOf(RoutingContext ctx) {
    Dialect d = ctx.get(DIALECT);
    if (d != null) {
      return d;
    }
    Endpoint endpoint = ctx.get(ENDPOINT);
    return endpoint != null ? endpoint.dialect() : Dialect.OPENAI;
  }
}
