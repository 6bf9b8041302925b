package dev.sluice.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.keys.Principal;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.UpstreamFailures;
import dev.sluice.sse.SseParser;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import dev.sluice.usage.UsageRecord;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The relay: one request from the client to a provider and back. Authenticates, parses and
 * validates, admits against limits, calls the provider, and writes its reply: bodies whole, event
 * streams event by event with backpressure, a client hang-up cancelling the upstream request. Every
 * request ends in {@link #finish}: one access-log line and one usage record.
 */
public final class RelayHandler {
  static final String REQUEST_ID = "sluice.requestId";

  private final Services services;
  private final InFlight inFlight;

  public RelayHandler(Services services, InFlight inFlight) {
    this.services = services;
    this.inFlight = inFlight;
  }

  /** Per-request state. */
  private final class Exchange {
    final RoutingContext ctx;
    final Endpoint endpoint;
    final long startNanos = System.nanoTime();
    final String requestId;
    Principal principal;
    String model;
    boolean stream;
    long upstreamStartNanos;
    long upstreamLatencyMillis = -1;
    TokenUsage usage = TokenUsage.NONE;
    String account;
    Map<String, String> limitHeaders = Map.of();
    boolean finished;

    Exchange(RoutingContext ctx, Endpoint endpoint) {
      this.ctx = ctx;
      this.endpoint = endpoint;
      this.requestId = ctx.get(REQUEST_ID);
    }
  }

  public void handle(RoutingContext ctx, Endpoint endpoint) {
    Exchange ex = new Exchange(ctx, endpoint);
    inFlight.enter();
    ctx.response().closeHandler(v -> {
      if (!ex.finished) {
        finish(ex, 499, "client_closed");
      }
    });
    authenticate(ctx)
        .compose(p -> {
          ex.principal = p;
          ObjectNode body = null;
          if (endpoint != Endpoint.MODELS) {
            body = parseBody(ctx);
            ex.stream = body.path("stream").asBoolean(false);
            ex.model = RelayCall.modelOf(body);
            services.validator().validate(endpoint, body);
            if (ex.model != null && !p.allows(ex.model)) {
              throw ApiError.modelNotAllowed(ex.model).exception();
            }
          }
          ObjectNode finalBody = body;
          return services.rateLimiter().admit(p, endpoint.endpointClass()).compose(adm -> {
            ex.limitHeaders = adm.headers();
            if (!adm.admitted()) {
              return Future.failedFuture(adm.toError().exception());
            }
            ex.upstreamStartNanos = System.nanoTime();
            RelayCall call = new RelayCall(endpoint, finalBody, ex.stream, ex.requestId, p, ctx.request().headers(),
                finalBody == null ? null : ctx.body().buffer());
            return endpoint == Endpoint.MODELS ? services.provider().models(call) : services.provider().send(call);
          });
        })
        .onSuccess(reply -> {
          ex.upstreamLatencyMillis = (System.nanoTime() - ex.upstreamStartNanos) / 1_000_000;
          ex.account = reply.account();
          if (ctx.response().closed()) {
            if (reply instanceof Reply.Stream s) {
              s.source().exceptionHandler(t -> { });
              s.cancel().run();
            }
            return;
          }
          switch (reply) {
            case Reply.Body b -> writeBody(ex, b);
            case Reply.Stream s -> writeStream(ex, s);
          }
        })
        .onFailure(t -> fail(ex, t));
  }

  private Future<Principal> authenticate(RoutingContext ctx) {
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String key = null;
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = auth.substring(7).trim();
    } else if (ctx.request().getHeader("x-api-key") != null) {
      key = ctx.request().getHeader("x-api-key").trim();
    }
    if (key == null || key.isEmpty()) {
      return Future.failedFuture(ApiError.invalidApiKey().exception());
    }
    return services.authenticator().authenticate(key);
  }

  private ObjectNode parseBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiError.invalidRequest("request body is empty; expected a JSON object").exception();
    }
    String ct = ctx.get(Gateway.CONTENT_TYPE, ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    if (ct != null && ct.toLowerCase(Locale.ROOT).trim().startsWith("multipart/")) {
      throw ApiError.invalidRequest("multipart bodies are not supported; send application/json").exception();
    }
    JsonNode node;
    try {
      ByteBuf bb = ((BufferInternal) body).getByteBuf();
      byte[] bytes;
      int off;
      if (bb.hasArray()) {
        bytes = bb.array();
        off = bb.arrayOffset() + bb.readerIndex();
      } else {
        bytes = body.getBytes();
        off = 0;
      }
      if (!Utf8.isValid(bytes, off, body.length())) {
        throw ApiError.invalidRequest("request body is not valid UTF-8").exception();
      }
      node = Json.MAPPER.readTree(bytes, off, body.length());
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
    if (upstream != null) {
      for (Map.Entry<String, String> h : upstream) {
        if (passUpstreamHeader(h.getKey())) {
          resp.headers().add(h.getKey(), h.getValue());
        }
      }
    }
    resp.putHeader("X-Request-ID", ex.requestId);
    for (Map.Entry<String, String> h : ex.limitHeaders.entrySet()) {
      resp.putHeader(h.getKey(), h.getValue());
    }
  }

  static boolean passUpstreamHeader(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
           "transfer-encoding", "upgrade", "content-length", "x-request-id", "set-cookie", "server",
           "date", "content-encoding", "alt-svc", "strict-transport-security" -> false;
      default -> !n.startsWith("x-ratelimit-") && !n.startsWith("x-codex-") && !n.startsWith("cf-");
    };
  }

  private void writeBody(Exchange ex, Reply.Body b) {
    HttpServerResponse resp = ex.ctx.response();
    ex.usage = b.usage();
    resp.setStatusCode(b.status());
    writeHeaders(ex, resp, b.headers());
    Buffer body = b.body();
    if (ex.endpoint == Endpoint.MODELS && b.status() < 300) {
      try {
        body = Buffer.buffer(Json.write(ModelCatalog.shape(Json.MAPPER.readTree(body.getBytes()), ex.principal)));
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
    resp.end(body);
    finish(ex, b.status(), code);
  }

  private void writeStream(Exchange ex, Reply.Stream s) {
    HttpServerResponse resp = ex.ctx.response();
    resp.setStatusCode(s.status());
    writeHeaders(ex, resp, s.headers());
    resp.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    resp.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    resp.putHeader("X-Accel-Buffering", "no");
    resp.setChunked(true);
    var source = s.source();
    Consumer<Buffer> out = buf -> {
      resp.write(buf);
      if (resp.writeQueueFull()) {
        source.pause();
        resp.drainHandler(v -> source.resume());
      }
    };
    SseParser parser = new SseParser(ev -> s.mapper().onEvent(ev, out));
    long idle = services.streamIdleMillis();
    long[] lastData = {System.nanoTime()};
    long watchdog = ex.ctx.vertx().setPeriodic(Math.max(10, idle / 4), id -> {
      if (ex.finished) {
        ex.ctx.vertx().cancelTimer(id);
      } else if (System.nanoTime() - lastData[0] > idle * 1_000_000L) {
        ex.ctx.vertx().cancelTimer(id);
        streamFailed(ex, s, ApiError.of(504, ApiError.API, "upstream stalled: no data within the timeout", "upstream_timeout"));
        s.cancel().run();
      }
    });
    resp.closeHandler(v -> {
      ex.ctx.vertx().cancelTimer(watchdog);
      if (!ex.finished) {
        s.cancel().run();
        ex.usage = s.mapper().usage();
        finish(ex, 499, "client_closed");
      }
    });
    source.exceptionHandler(t -> streamFailed(ex, s, UpstreamFailures.midStream(t)));
    source.handler(buf -> {
      if (ex.finished) {
        return;
      }
      lastData[0] = System.nanoTime();
      try {
        ByteBuf bb = ((BufferInternal) buf).getByteBuf();
        if (bb.hasArray()) {
          parser.feed(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
        } else {
          parser.feed(buf.getBytes());
        }
      } catch (GatewayException e) {
        streamFailed(ex, s, e.error());
        s.cancel().run();
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
        streamFailed(ex, s, e.error());
        return;
      }
      ex.usage = s.mapper().usage();
      resp.end();
      finish(ex, s.status(), null);
    });
    resp.writeHead();
    source.resume();
  }

  private void streamFailed(Exchange ex, Reply.Stream s, ApiError error) {
    if (ex.finished) {
      return;
    }
    ex.usage = s.mapper().usage();
    HttpServerResponse resp = ex.ctx.response();
    if (!resp.ended() && !resp.closed()) {
      resp.write(SseWriter.data(services.errors().render(error)));
      resp.end();
    }
    finish(ex, error.status(), error.code());
  }

  /** Answers with an error: a JSON envelope before the first byte; an SSE error event after it. */
  void fail(Exchange ex, Throwable t) {
    ApiError error = t instanceof GatewayException g ? g.error() : ApiError.internal();
    if (!(t instanceof GatewayException)) {
      org.slf4j.LoggerFactory.getLogger(RelayHandler.class)
          .error("request_id={} unexpected failure: {}", ex.requestId, t.toString());
    }
    HttpServerResponse resp = ex.ctx.response();
    if (resp.closed() || resp.ended()) {
      finish(ex, error.status(), error.code());
      return;
    }
    if (resp.headWritten()) {
      resp.write(SseWriter.data(services.errors().render(error)));
      resp.end();
    } else {
      resp.setStatusCode(error.status());
      writeHeaders(ex, resp, null);
      error.headers().forEach(resp::putHeader);
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      resp.end(services.errors().render(error));
    }
    finish(ex, error.status(), error.code());
  }

  private void finish(Exchange ex, int status, String errorCode) {
    if (ex.finished) {
      return;
    }
    ex.finished = true;
    try {
      record(ex, status, errorCode);
    } finally {
      inFlight.exit();
    }
  }

  private void record(Exchange ex, int status, String errorCode) {
    long latency = (System.nanoTime() - ex.startNanos) / 1_000_000;
    String keyId = ex.principal == null ? null : ex.principal.keyId();
    services.accessLog().log(new AccessLog.Entry(ex.requestId, ex.ctx.request().method().name(),
        ex.ctx.request().path(), ex.model, status, latency, ex.upstreamLatencyMillis, keyId, errorCode, ex.stream));
    if (ex.principal != null && ex.endpoint != Endpoint.MODELS) {
      TokenUsage u = ex.usage;
      if (u.totalTokens() > 0) {
        services.rateLimiter().recordTokens(ex.principal, ex.endpoint.endpointClass(), u.totalTokens());
      }
      services.usage().record(new UsageRecord(services.clock().instant(), ex.requestId, keyId,
          ex.endpoint.path(), ex.model, services.provider().name(), ex.account, u.promptTokens(),
          u.completionTokens(), u.cachedTokens(), u.reasoningTokens(), latency, status, errorCode));
    }
  }

  /** Renders an error for a request that never reached the relay (routing, body limit). */
  static void failEarly(RoutingContext ctx, Services services, ApiError error) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(error.status());
    String rid = ctx.get(REQUEST_ID);
    if (rid != null) {
      resp.putHeader("X-Request-ID", rid);
    }
    error.headers().forEach(resp::putHeader);
    resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    resp.end(services.errors().render(error));
  }
}
