package dev.sluice.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.accounts.AccessToken;
import dev.sluice.accounts.AccountPool;
import dev.sluice.accounts.TokenException;
import dev.sluice.accounts.TokenManager;
import dev.sluice.dialect.openai.chat.ChatToResponsesRequest;
import dev.sluice.dialect.openai.chat.ResponsesToChatCompletion;
import dev.sluice.dialect.openai.responses.ResponsesStreamAssembler;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.provider.ChatUsage;
import dev.sluice.provider.Prefetch;
import dev.sluice.provider.Provider;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.ReplayStream;
import dev.sluice.provider.UpstreamFailures;
import dev.sluice.api.Endpoint;
import dev.sluice.sse.SseParser;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ChatGPT Codex backend with a pool of signed-in accounts. {@code /v1/responses} is relayed with
 * the backend's rules ({@link CodexRequestRules}); {@code /v1/chat/completions} is translated to it and
 * back. The backend only streams: a client that asked for JSON gets the stream assembled.
 *
 * <p>Per request, accounts are tried in the pool's order (at most {@link CodexSettings#maxAttempts()}
 * attempts): a usage limit (429) puts the account on cooldown, a 5xx or connection failure counts
 * against it, and the next account is tried; a 401 refreshes the token and retries once. Only failures
 * before the first byte reached the client can move on; a stream is read until its first
 * client-visible output before it is handed to the relay.
 */
public final class CodexProvider implements Provider {
  /** Client headers of Codex CLIs passed on to the backend as they came. */
  private static final List<String> FORWARDED = List.of("thread-id", "x-client-request-id", "x-codex-window-id",
      "x-codex-turn-metadata", "x-codex-beta-features", "version", "user-agent");

  private static final Logger LOG = LoggerFactory.getLogger(CodexProvider.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final AccountPool pool;
  private final TokenManager tokens;
  private final CodexSettings settings;
  private final Clock clock;
  private final CodexModels models;
  private final RelayedItems items;

  public CodexProvider(Vertx vertx, HttpClient client, AccountPool pool, TokenManager tokens, CodexSettings settings,
                       Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.pool = pool;
    this.tokens = tokens;
    this.settings = settings;
    this.clock = clock;
    this.models = new CodexModels(vertx, client, pool, tokens, settings, clock);
    this.items = new RelayedItems(clock);
  }

  @Override
  public String name() {
    return "codex";
  }

  @Override
  public boolean serves(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.RESPONSES || endpoint == Endpoint.MODELS;
  }

  @Override
  public Future<Reply> models(RelayCall call) {
    return models.list();
  }

  @Override
  public Future<Reply> send(RelayCall call) {
    // the router sends only what serves() admits: chat completions and responses
    Endpoint ep = call.endpoint();
    ObjectNode request;
    ObjectNode backend;
    try {
      request = ep == Endpoint.CHAT_COMPLETIONS ? ChatToResponsesRequest.translate(call.body()) : call.body();
      backend = items.expand(CodexRequestRules.forBackend(request));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    String header = call.clientHeaders().get("session_id");
    if (header == null) {
      header = call.clientHeaders().get("session-id");
    }
    if (header == null) {
      // Claude Code names its session on every request: one session, one account (and its prompt cache)
      header = call.clientHeaders().get("X-Claude-Code-Session-Id");
    }
    String session = CodexRequestRules.sessionId(request, header);
    return new Attempts(call, Buffer.buffer(Json.write(backend)), session, vertx.getOrCreateContext()).next();
  }

  /** The {@code x-codex-*} headers of an upstream answer. */
  static Map<String, String> codexHeaders(MultiMap headers) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().toLowerCase(Locale.ROOT).startsWith("x-codex-")) {
        out.put(h.getKey(), h.getValue());
      }
    }
    return out;
  }

  /** Request options for the backend, with the account's credentials. */
  static RequestOptions backendRequest(CodexSettings settings, HttpMethod method, String url, AccessToken token,
                                       String session) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(url)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token.value())
        .putHeader("chatgpt-account-id", token.accountId())
        .putHeader("originator", settings.originator())
        .putHeader("OpenAI-Beta", "responses=experimental");
    if (session != null) {
      o.putHeader("session_id", session);
    }
    return o;
  }

  /** One client request and the accounts tried for it. */
  private final class Attempts {
    final RelayCall call;
    final Buffer body;
    final String session;
    final Context ctx;
    final Set<String> tried = new HashSet<>();
    int attempts;
    ApiError lastError;

    Attempts(RelayCall call, Buffer body, String session, Context ctx) {
      this.call = call;
      this.body = body;
      this.session = session;
      this.ctx = ctx;
    }

    Future<Reply> next() {
      if (call.link().cancelled()) {
        return Future.failedFuture(ApiError.clientClosed().exception());
      }
      if (attempts >= settings.maxAttempts()) {
        // every failure that moved on was an account's: the pool as a whole could not serve
        return Future.failedFuture(lastError.failure(FailureKind.NO_CAPACITY));
      }
      AccountPool.Selection sel = pool.select(session, tried);
      if (sel instanceof AccountPool.Unavailable u) {
        ApiError e = u.error();
        if (lastError != null && "no_accounts".equals(e.code())) {
          e = lastError;
        }
        return Future.failedFuture(e.failure(FailureKind.NO_CAPACITY));
      }
      String id = ((AccountPool.Chosen) sel).accountId();
      attempts++;
      return Future.fromCompletionStage(tokens.token(id), ctx)
          .transform(ar -> ar.succeeded() ? exchange(id, ar.result(), false) : tokenFailed(id, ar.cause()));
    }

    Future<Reply> moveOn(String id, ApiError error) {
      tried.add(id);
      lastError = error;
      return next();
    }

    Future<Reply> tokenFailed(String id, Throwable t) {
      if (call.link().cancelled()) {
        return next();
      }
      if (t instanceof TokenException te && te.kind() == TokenException.Kind.TRANSIENT) {
        pool.onFailure(id);
        return moveOn(id, ApiError.upstreamUnavailable("the ChatGPT sign-in service could not refresh a token"));
      }
      return moveOn(id, ApiError.oauthUnavailable());
    }

    Future<Reply> exchange(String id, AccessToken token, boolean retried) {
      RequestOptions o = backendRequest(settings, HttpMethod.POST, settings.responsesUrl(), token, session)
          .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("X-Request-ID", call.requestId());
      for (String h : FORWARDED) {
        String v = call.clientHeaders().get(h);
        if (v != null) {
          o.putHeader(h, v);
        }
      }
      return client.request(o)
          .compose(req -> {
            call.link().attach(req);
            return req.send(body).map(resp -> {
              resp.pause();
              call.link().responded();
              return new Sent(req, resp);
            });
          })
          .transform(ar -> {
            if (call.link().cancelled()) {
              // the client is gone (or the request timed out): not the account's fault
              if (ar.succeeded()) {
                discard(ar.result());
              }
              return next();
            }
            if (ar.failed()) {
              pool.onFailure(id);
              return moveOn(id, UpstreamFailures.fromThrowable(ar.cause()));
            }
            return answered(id, token, retried, ar.result());
          });
    }

    Future<Reply> answered(String id, AccessToken token, boolean retried, Sent sent) {
      HttpClientResponse resp = sent.response();
      int status = resp.statusCode();
      Map<String, String> limits = codexHeaders(resp.headers());
      if (!limits.isEmpty()) {
        pool.onResponseHeaders(id, limits);
      }
      String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
      if (status < 300 && type != null && type.startsWith("text/event-stream")) {
        pool.onSuccess(id);
        return call.stream() ? stream(id, sent) : collect(id, sent);
      }
      if (status >= 500) {
        discard(sent);
        pool.onFailure(id);
        return moveOn(id, UpstreamFailures.fromStatus(status));
      }
      return call.link().body(resp).transform(ar -> {
        if (call.link().cancelled()) {
          return next();
        }
        Buffer b = ar.succeeded() ? ar.result() : Buffer.buffer();
        if (status == 401) {
          if (!retried) {
            return Future.fromCompletionStage(tokens.refreshAfter401(id, token.value()), ctx)
                .transform(r -> r.succeeded() ? exchange(id, r.result(), true) : tokenFailed(id, r.cause()));
          }
          // a fresh token refused too: the backend's trouble or the account's, never the client's key
          LOG.error("the Codex backend refused a freshly refreshed token of account {} (HTTP 401)", id);
          pool.onFailure(id);
          return moveOn(id, UpstreamFailures.credentialsRefused("codex", status));
        }
        if (status == 429) {
          JsonNode err = parse(b);
          pool.onUsageLimitReached(id, err);
          return moveOn(id, ApiError.of(429, "usage_limit_reached", "the ChatGPT account reached its usage limit",
              "usage_limit_reached"));
        }
        if (status < 300) {
          return Future.failedFuture(ApiError.upstreamError("the Codex backend answered without an event stream")
              .failure(FailureKind.SERVER_ERROR));
        }
        return Future.failedFuture(backendError(status, b).failure(FailureKind.REJECTED));
      });
    }

    Future<Reply> stream(String id, Sent sent) {
      CodexStream probe = newStream(null);
      return Prefetch.run(sent.response(), probe, call.link()::progress).transform(ar -> {
        if (call.link().cancelled()) {
          sent.request().reset();
          return next();
        }
        if (ar.failed()) {
          sent.request().reset();
          if (ar.cause() instanceof Prefetch.TransportFailure f) {
            return transportFailed(id, f);
          }
          GatewayException g = Prefetch.toGateway(ar.cause());
          if ("usage_limit_reached".equals(g.error().code())) {
            // the account ran out inside a 200 stream, before any output: the next account may serve it
            return usageLimitInStream(id, g);
          }
          return Future.failedFuture(g.error().failure(FailureKind.BROKE_BEFORE_OUTPUT));
        }
        CodexStream mapper = newStream(id);
        return Future.succeededFuture(new Reply.Stream(200, MultiMap.caseInsensitiveMultiMap(),
            new ReplayStream(sent.response(), ar.result()), () -> sent.request().reset(), mapper, id));
      });
    }

    /** The stream mapper; {@code servingAccount} null for a probe, which reports nothing to the pool or cache. */
    CodexStream newStream(String servingAccount) {
      Consumer<JsonNode> rateLimits = servingAccount == null ? null : ev -> pool.onRateLimitsEvent(servingAccount, ev);
      if (call.endpoint() == Endpoint.CHAT_COMPLETIONS) {
        boolean includeUsage = call.body().path("stream_options").path("include_usage").asBoolean(false);
        return new ChatStream(call.model(), includeUsage, clock, rateLimits);
      }
      return new ResponsesStream(rateLimits, servingAccount == null ? null : items::onEvent);
    }

    Future<Reply> collect(String id, Sent sent) {
      Promise<Reply> promise = Promise.promise();
      boolean chat = call.endpoint() == Endpoint.CHAT_COMPLETIONS;
      ResponsesToChatCompletion completion = chat ? new ResponsesToChatCompletion(call.model(), clock) : null;
      ResponsesStreamAssembler assembler = chat ? null : new ResponsesStreamAssembler();
      SseParser parser = new SseParser(ev -> {
        JsonNode n = parse(Buffer.buffer(ev.data()));
        if (n == null || !n.isObject()) {
          return;
        }
        if ("codex.rate_limits".equals(n.path("type").asText())) {
          pool.onRateLimitsEvent(id, n);
        }
        if (chat) {
          completion.onEvent(n);
        } else {
          assembler.onEvent(n);
          items.onEvent(n);
        }
      });
      HttpClientResponse resp = sent.response();
      resp.handler(buf -> {
        call.link().progress();
        if (promise.future().isComplete()) {
          return;
        }
        try {
          parser.feed(buf.getBytes());
        } catch (GatewayException e) {
          promise.tryFail(e);
          sent.request().reset();
        }
      });
      resp.exceptionHandler(t -> promise.tryFail(new Prefetch.TransportFailure(t)));
      resp.endHandler(v -> {
        if (promise.future().isComplete()) {
          return;
        }
        try {
          parser.flush();
          ObjectNode out;
          TokenUsage usage;
          if (chat) {
            out = completion.result();
            usage = ChatUsage.toRecord(completion.usage());
          } else {
            out = assembler.response();
            usage = TokenUsage.fromOpenAi(out.get("usage"));
          }
          MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
          promise.tryComplete(new Reply.Body(200, headers, Buffer.buffer(Json.write(out)), usage, id));
        } catch (GatewayException e) {
          promise.tryFail(e);
        }
      });
      resp.resume();
      // nothing has reached the client yet: a cut stream or an account that ran out moves the request on
      return promise.future().recover(t -> {
        if (call.link().cancelled()) {
          return next();
        }
        if (t instanceof Prefetch.TransportFailure f) {
          return transportFailed(id, f);
        }
        if (t instanceof GatewayException g && "usage_limit_reached".equals(g.error().code())) {
          return usageLimitInStream(id, g);
        }
        // the client has been sent nothing: another upstream may still serve it
        return Future.failedFuture(t instanceof GatewayException g
            ? g.error().failure(FailureKind.BROKE_BEFORE_OUTPUT) : t);
      });
    }

    /** The connection failed before the client got anything: it counts against the account; next one. */
    Future<Reply> transportFailed(String id, Prefetch.TransportFailure f) {
      pool.onFailure(id);
      return moveOn(id, UpstreamFailures.fromThrowable(f.getCause()));
    }

    Future<Reply> usageLimitInStream(String id, GatewayException g) {
      ObjectNode err = Json.object();
      err.putObject("error").put("type", "usage_limit_reached").put("message", g.error().message());
      pool.onUsageLimitReached(id, err);
      return moveOn(id, g.error());
    }
  }

  private record Sent(HttpClientRequest request, HttpClientResponse response) {
  }

  private static void discard(Sent sent) {
    sent.response().resume();
    sent.request().reset();
  }

  static JsonNode parse(Buffer b) {
    if (b == null || b.length() == 0) {
      return null;
    }
    try {
      return Json.parse(b.getBytes());
    } catch (Exception e) {
      return null;
    }
  }

  /** A backend 4xx as the client sees it: its {@code detail} or {@code error.message} kept. */
  static ApiError backendError(int status, Buffer body) {
    JsonNode n = parse(body);
    String message = null;
    String code = null;
    String param = null;
    if (n != null && n.path("detail").isTextual()) {
      message = n.get("detail").asText();
    } else if (n != null && n.path("error").isObject()) {
      JsonNode e = n.get("error");
      message = e.path("message").isTextual() ? e.get("message").asText() : null;
      code = e.path("code").isTextual() ? e.get("code").asText() : null;
      param = e.path("param").isTextual() ? e.get("param").asText() : null;
    }
    if (message == null || message.isBlank()) {
      message = "the Codex backend refused the request (HTTP " + status + ")";
    } else {
      message = "Codex backend: " + message;
    }
    String type = switch (status) {
      case 403 -> ApiError.PERMISSION;
      case 404 -> ApiError.NOT_FOUND;
      default -> ApiError.INVALID_REQUEST;
    };
    return new ApiError(status, type, message, param, code != null ? code : "upstream_" + status, null, Map.of());
  }
}
