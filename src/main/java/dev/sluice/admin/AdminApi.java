package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.accounts.AccountStatus;
import dev.sluice.accounts.Accounts;
import dev.sluice.accounts.RateWindow;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.keys.ApiKey;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyAuthenticator;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.metrics.Bodies;
import dev.sluice.metrics.RequestLog;
import dev.sluice.metrics.RequestRecord;
import dev.sluice.metrics.Timeline;
import dev.sluice.ratelimit.Plans;
import dev.sluice.route.Routing;
import dev.sluice.usage.UsageQuery;
import dev.sluice.usage.UsageRow;
import dev.sluice.usage.TokenUsage;
import dev.sluice.usage.UsageService;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API, mounted under {@code /admin/}; every route needs {@code Authorization: Bearer
 * <auth.admin_api_key>}; with no admin key configured every route answers 404. Errors use the
 * OpenAI envelope.
 *
 * <pre>
 * POST   /admin/keys               {"name", "models"?, "plan"?, "expires_at"?} → 201 key with "key"
 * GET    /admin/keys               → {"object":"list","data":[key...]}
 * GET    /admin/keys/{ref}         → key               (ref: id or unique prefix)
 * POST   /admin/keys/{ref}/revoke  → key               (also DELETE /admin/keys/{ref})
 * POST   /admin/keys/{ref}/rotate  → key with "key"
 * POST   /admin/keys/{ref}/plan    {"plan": "pro" | null} → key  (null: unlimited)
 * GET    /admin/usage?key=&amp;since=&amp;by=model|key|day → {"object":"list","by","data":[row...],"total":row}
 *        (&amp;format=csv: the same rows as CSV)
 * GET    /admin/upstreams          → {"object":"list","data":[upstream health...],"routes":[...]}
 * GET    /admin/requests?key=&amp;model=&amp;status=&amp;upstream=&amp;limit= → the last requests, newest first
 * GET    /admin/stats?minutes=     → the overview's 10-second buckets (requests, errors, percentiles, tokens)
 * GET    /admin/accounts           → {"object":"list","pool":bool,"data":[account...]} (no token)
 * DELETE /admin/accounts/{id}      → 204
 * POST   /admin/accounts/logins    {"method":"device"|"browser"} → {"id","verification_url","user_code"} | {"id","authorize_url"}
 * GET    /admin/accounts/logins/{id}          → {"id","status":"pending"|"signed_in"|"failed","account_id","error"}
 * POST   /admin/accounts/logins/{id}/callback {"url"} → the same, once the pasted callback's code is exchanged
 * </pre>
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final int MAX_BODY = 64 * 1024;

  private final Vertx vertx;
  private final KeyService keys;
  private final UsageService usage;
  private final Plans plans;
  private final Views views;
  private final AccountLogins logins;

  /**
   * What the gateway observed of its requests, for the request log and the overview.
   *
   * @param requests the last requests, or null ({@code /requests} answers 404)
   * @param timeline the last hour in buckets, or null ({@code /stats} answers 404)
   * @param accounts the ChatGPT account pool, or null when no codex upstream is configured
   */
  public record Views(RequestLog requests, Timeline timeline, Accounts accounts) {
    public static final Views NONE = new Views(null, null, null);
  }

  private AdminApi(Vertx vertx, KeyService keys, UsageService usage, Plans plans, Views views) {
    this.vertx = vertx;
    this.plans = plans;
    this.keys = keys;
    this.usage = usage;
    this.views = views == null ? Views.NONE : views;
    this.logins = this.views.accounts() == null ? null : new AccountLogins(this.views.accounts(), keys.clock());
  }

  /** The admin router, to mount with {@code main.route("/admin/*").subRouter(router)}. */
  public static Router router(Vertx vertx, KeyService keys, UsageService usage, String adminKey) {
    return router(vertx, keys, usage, adminKey, null);
  }

  /**
   * The admin router that refuses to create keys naming a plan not in {@code plans}.
   *
   * @param plans the configured plans, or null to accept any plan name
   */
  public static Router router(Vertx vertx, KeyService keys, UsageService usage, String adminKey, Plans plans) {
    return router(vertx, keys, usage, adminKey, plans, null);
  }

  /** The admin router with {@code GET /admin/upstreams} ({@code routing} null: that route answers 404). */
  public static Router router(Vertx vertx, KeyService keys, UsageService usage, String adminKey, Plans plans,
                              Routing routing) {
    return router(vertx, keys, usage, plans, routing, Views.NONE, AdminAuth.of(adminKey).bearer());
  }

  /**
   * The admin router behind {@code guard}: the admin key as a bearer token on {@code /admin/}, the
   * console's session on {@code /console/api/}.
   */
  public static Router router(Vertx vertx, KeyService keys, UsageService usage, Plans plans, Routing routing,
                              Views views, Handler<RoutingContext> guard) {
    return routers(vertx, keys, usage, plans, routing, views).apply(guard);
  }

  /**
   * One admin API, to mount behind several guards (the admin key on {@code /admin/}, the console's
   * session on {@code /console/api/}): every router it makes shares its state, so a ChatGPT sign-in
   * started on one is found on the other.
   */
  public static Function<Handler<RoutingContext>, Router> routers(Vertx vertx, KeyService keys, UsageService usage,
                                                                   Plans plans, Routing routing, Views views) {
    AdminApi api = new AdminApi(vertx, keys, usage, plans, views);
    return guard -> api.router(routing, guard);
  }

  private Router router(Routing routing, Handler<RoutingContext> guard) {
    Router r = Router.router(vertx);
    r.route().handler(guard);
    r.post("/keys").handler(AdminApi::noMultipart);
    r.post("/keys").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::create);
    r.get("/keys").handler(this::list);
    r.get("/keys/:ref").handler(this::show);
    r.post("/keys/:ref/revoke").handler(this::revoke);
    r.delete("/keys/:ref").handler(this::revoke);
    r.post("/keys/:ref/rotate").handler(this::rotate);
    r.post("/keys/:ref/plan").handler(AdminApi::noMultipart);
    r.post("/keys/:ref/plan").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::setPlan);
    r.get("/usage").handler(this::usage);
    if (views.requests() != null) {
      r.get("/requests").handler(this::requests);
    }
    if (views.timeline() != null) {
      r.get("/stats").handler(this::stats);
    }
    r.get("/accounts").handler(this::accounts);
    if (logins != null) {
      r.delete("/accounts/:id").handler(this::removeAccount);
      r.post("/accounts/logins").handler(AdminApi::noMultipart);
      r.post("/accounts/logins").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::startLogin);
      r.get("/accounts/logins/:id").handler(this::loginStatus);
      r.post("/accounts/logins/:id/callback").handler(AdminApi::noMultipart);
      r.post("/accounts/logins/:id/callback").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
          .handler(this::finishLogin);
    }
    if (routing != null) {
      r.get("/upstreams").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
          .end(Json.write(routing.status())));
    }
    r.route().handler(ctx -> fail(ctx, ApiError.unsupportedEndpoint(ctx.request().path())));
    r.route().failureHandler(AdminApi::failure);
    return r;
  }

  /**
   * The body is JSON whatever the Content-Type says ({@code curl -d} sends form-urlencoded); keeps
   * the body handler from decoding it as a form, which fails on long fields.
   */
  private static void noMultipart(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    String lower = ct == null ? "" : ct.toLowerCase(Locale.ROOT).trim();
    if (lower.startsWith("multipart/")) {
      fail(ctx, ApiError.invalidRequest("the request body must be a JSON object (Content-Type: application/json)"));
      return;
    }
    if (lower.startsWith("application/x-www-form-urlencoded")) {
      ctx.request().headers().set("Content-Type", "application/octet-stream");
    }
    ctx.next();
  }

  private void create(RoutingContext ctx) {
    JsonNode body;
    try {
      String text = ctx.body().asString(StandardCharsets.UTF_8.name());
      body = text == null || text.isBlank() ? null : Json.parse(text);
    } catch (Exception e) {
      body = null;
    }
    if (!(body instanceof ObjectNode obj)) {
      fail(ctx, ApiError.invalidRequest("the request body must be a JSON object"));
      return;
    }
    NewKey spec;
    try {
      spec = new NewKey(text(obj, "name"), models(obj.get("models")), text(obj, "plan"),
          expiry(obj.get("expires_at")));
    } catch (GatewayException e) {
      fail(ctx, e.error());
      return;
    }
    if (plans != null) {
      try {
        plans.requireKnown(spec.plan());
      } catch (IllegalArgumentException e) {
        fail(ctx, ApiError.invalidParam("plan", e.getMessage()));
        return;
      }
    }
    blocking(ctx, 201, () -> keys.create(spec), this::createdJson);
  }

  private void list(RoutingContext ctx) {
    blocking(ctx, 200, keys::list, all -> {
      Instant now = keys.clock().instant();
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      all.forEach(k -> data.add(keyJson(k, now)));
      return out;
    });
  }

  private void show(RoutingContext ctx) {
    String ref = ctx.pathParam("ref");
    blocking(ctx, 200, () -> keys.resolve(ref), k -> keyJson(k, keys.clock().instant()));
  }

  private void revoke(RoutingContext ctx) {
    String ref = ctx.pathParam("ref");
    blocking(ctx, 200, () -> keys.revoke(ref), k -> keyJson(k, keys.clock().instant()));
  }

  private void rotate(RoutingContext ctx) {
    String ref = ctx.pathParam("ref");
    blocking(ctx, 200, () -> keys.rotate(ref), this::createdJson);
  }

  private void setPlan(RoutingContext ctx) {
    String ref = ctx.pathParam("ref");
    JsonNode body;
    try {
      String text = ctx.body().asString(StandardCharsets.UTF_8.name());
      body = text == null || text.isBlank() ? null : Json.parse(text);
    } catch (Exception e) {
      body = null;
    }
    JsonNode given = body instanceof ObjectNode obj ? obj.get("plan") : null;
    if (given == null || !(given.isTextual() || given.isNull())) {
      fail(ctx, ApiError.invalidParam("plan", "expected a JSON object {\"plan\": \"<plan>\"} (null: unlimited)"));
      return;
    }
    String plan = given.isNull() || given.asText().isBlank() ? null : given.asText().trim();
    if (plans != null) {
      try {
        plans.requireKnown(plan);
      } catch (IllegalArgumentException e) {
        fail(ctx, ApiError.invalidParam("plan", e.getMessage()));
        return;
      }
    }
    blocking(ctx, 200, () -> keys.setPlan(ref, plan), k -> keyJson(k, keys.clock().instant()));
  }

  private void usage(RoutingContext ctx) {
    UsageQuery query;
    try {
      String key = ctx.queryParams().get("key");
      UsageQuery.GroupBy by = UsageQuery.GroupBy.parse(ctx.queryParams().get("by"));
      Instant since = UsageQuery.parseSince(ctx.queryParams().get("since"), keys.clock());
      query = new UsageQuery(key == null || key.isBlank() ? null : key.trim(), since, by);
    } catch (GatewayException e) {
      fail(ctx, e.error());
      return;
    }
    boolean csv = "csv".equals(ctx.queryParams().get("format"));
    Callable<List<UsageRow>> work = () -> {
      String keyId = query.keyId();
      if (keyId != null && !keyId.equals(KeyAuthenticator.CONFIG_KEY_ID)) {
        keyId = keys.resolve(keyId).id();
      }
      return usage.summary(new UsageQuery(keyId, query.since(), query.by()));
    };
    if (csv) {
      blocking(ctx, work, rows -> ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"sluice-usage-by-" + query.by().label() + ".csv\"")
          .end(UsageCsv.render(query.by().label(), rows)));
      return;
    }
    blocking(ctx, 200, work, rows -> {
      ObjectNode out = Json.object().put("object", "list").put("by", query.by().label());
      ArrayNode data = out.putArray("data");
      rows.forEach(r -> data.add(rowJson(r)));
      out.set("total", rowJson(UsageService.total(rows)));
      return out;
    });
  }

  private void requests(RoutingContext ctx) {
    var q = ctx.queryParams();
    int limit;
    try {
      limit = q.get("limit") == null ? 100 : Integer.parseInt(q.get("limit").trim());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 10_000) {
      fail(ctx, ApiError.invalidParam("limit", "limit must be a whole number from 1 to 10000"));
      return;
    }
    RequestLog.Filter filter = new RequestLog.Filter(q.get("key"), q.get("model"), q.get("status"), q.get("upstream"));
    ObjectNode out = Json.object().put("object", "list").put("capacity", views.requests().capacity())
        .put("bodies", views.requests().keepsBodies());
    ArrayNode data = out.putArray("data");
    for (RequestRecord r : views.requests().recent(filter, limit)) {
      data.add(requestJson(r));
    }
    ctx.response().putHeader("Content-Type", "application/json").end(Json.write(out));
  }

  private void stats(RoutingContext ctx) {
    int minutes;
    try {
      String m = ctx.queryParams().get("minutes");
      minutes = m == null ? 15 : Integer.parseInt(m.trim());
    } catch (NumberFormatException e) {
      minutes = -1;
    }
    if (minutes < 1 || minutes > 60) {
      fail(ctx, ApiError.invalidParam("minutes", "minutes must be a whole number from 1 to 60"));
      return;
    }
    ObjectNode out = Json.object().put("object", "stats").put("bucket_seconds", Timeline.BUCKET_SECONDS);
    ArrayNode points = out.putArray("data");
    for (Timeline.Point p : views.timeline().points(minutes)) {
      ObjectNode o = points.addObject()
          .put("time", p.epochSecond())
          .put("requests", p.requests())
          .put("errors", p.errors());
      putMillis(o, "p50_ms", p.p50Millis());
      putMillis(o, "p99_ms", p.p99Millis());
      putMillis(o, "ttfb_p50_ms", p.ttfbP50Millis());
      putMillis(o, "ttfb_p99_ms", p.ttfbP99Millis());
      ObjectNode tokens = o.putObject("tokens_by_model");
      p.tokensByModel().forEach(tokens::put);
    }
    ctx.response().putHeader("Content-Type", "application/json").end(Json.write(out));
  }

  private void accounts(RoutingContext ctx) {
    ObjectNode out = Json.object().put("object", "list").put("pool", views.accounts() != null);
    ArrayNode data = out.putArray("data");
    if (views.accounts() != null) {
      for (AccountStatus a : views.accounts().pool().status()) {
        ObjectNode o = data.addObject()
            .put("id", a.id())
            .put("email", a.email())
            .put("plan", a.plan())
            .put("state", a.state().name().toLowerCase(Locale.ROOT))
            .put("state_reason", a.stateReason());
        putWindow(o, "primary", a.primary());
        putWindow(o, "secondary", a.secondary());
        putTime(o, "limits_observed_at", a.limitsObservedAt());
        putTime(o, "cooldown_until", a.cooldownUntil());
        putTime(o, "backoff_until", a.backoffUntil());
        o.put("consecutive_failures", a.consecutiveFailures());
      }
    }
    ctx.response().putHeader("Content-Type", "application/json").end(Json.write(out));
  }

  private static void putWindow(ObjectNode o, String field, RateWindow w) {
    if (w == null) {
      o.putNull(field);
      return;
    }
    ObjectNode n = o.putObject(field).put("used_percent", w.usedPercent());
    if (w.windowMinutes() == null) {
      n.putNull("window_minutes");
    } else {
      n.put("window_minutes", w.windowMinutes());
    }
    putTime(n, "resets_at", w.resetsAt());
  }

  private void removeAccount(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, () -> views.accounts().remove(id), removed -> {
      if (removed) {
        ctx.response().setStatusCode(204).end();
      } else {
        fail(ctx, ApiError.notFound("no account '" + id + "'"));
      }
    });
  }

  private void startLogin(RoutingContext ctx) {
    ObjectNode body = jsonBody(ctx);
    String method = body == null ? null : body.path("method").asText(null);
    if (!"device".equals(method) && !"browser".equals(method)) {
      fail(ctx, ApiError.invalidParam("method", "method must be \"device\" or \"browser\""));
      return;
    }
    AccountLogins.Login login = new AccountLogins.Login();
    if (method.equals("browser")) {
      blocking(ctx, 201, () -> logins.startBrowser(login),
          url -> Json.object().put("id", login.id).put("authorize_url", url.toString()));
    } else {
      blocking(ctx, 201, () -> logins.startDevice(login), code -> Json.object().put("id", login.id)
          .put("verification_url", code.verificationUrl()).put("user_code", code.userCode()));
    }
  }

  private void loginStatus(RoutingContext ctx) {
    blocking(ctx, 200, () -> logins.find(ctx.pathParam("id")), AdminApi::loginJson);
  }

  private void finishLogin(RoutingContext ctx) {
    ObjectNode body = jsonBody(ctx);
    String url = body == null ? null : body.path("url").asText(null);
    blocking(ctx, 200, () -> {
      AccountLogins.Login login = logins.find(ctx.pathParam("id"));
      logins.finish(login, url);
      return login;
    }, AdminApi::loginJson);
  }

  private static ObjectNode loginJson(AccountLogins.Login l) {
    return Json.object().put("id", l.id).put("status", l.status).put("account_id", l.accountId).put("error", l.error);
  }

  private static ObjectNode jsonBody(RoutingContext ctx) {
    try {
      String text = ctx.body().asString(StandardCharsets.UTF_8.name());
      return text == null || text.isBlank() ? null : Json.parse(text) instanceof ObjectNode o ? o : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static void putMillis(ObjectNode o, String field, long ms) {
    if (ms < 0) {
      o.putNull(field);
    } else {
      o.put(field, ms);
    }
  }

  private static ObjectNode requestJson(RequestRecord r) {
    ObjectNode o = Json.object()
        .put("time", r.epochMillis())
        .put("request_id", r.requestId())
        .put("endpoint", r.endpoint() == null ? "other" : r.endpoint().path())
        .put("path", r.path())
        .put("key_id", r.keyId())
        .put("key_name", r.keyName())
        .put("model", r.model())
        .put("route", r.route())
        .put("upstream", r.upstream())
        .put("upstream_model", r.upstreamModel())
        .put("account", r.account())
        .put("status", r.status())
        .put("error_code", r.errorCode())
        .put("stream", r.stream())
        .put("latency_ms", r.latencyMillis());
    putMillis(o, "ttfb_ms", r.ttfbMillis());
    TokenUsage u = r.usage() == null ? TokenUsage.NONE : r.usage();
    o.put("prompt_tokens", u.promptTokens())
        .put("completion_tokens", u.completionTokens())
        .put("cached_tokens", u.cachedTokens())
        .put("reasoning_tokens", u.reasoningTokens())
        .put("attempts", r.attempts() == null ? 0 : r.attempts().count());
    Bodies b = r.bodies();
    if (b != null) {
      o.put("request_body", b.request()).put("request_body_truncated", b.requestTruncated())
          .put("response_body", b.answer()).put("response_body_truncated", b.answerTruncated());
    }
    return o;
  }

  /** Runs {@code work} off the event loop and hands its result to {@code answer}; failures as errors. */
  private <T> void blocking(RoutingContext ctx, Callable<T> work, Consumer<T> answer) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        answer.accept(ar.result());
      } else if (ar.cause() instanceof GatewayException g) {
        fail(ctx, g.error());
      } else {
        LOG.error("admin request failed: {}", ar.cause().getMessage());
        fail(ctx, ApiError.internal());
      }
    });
  }

  private <T> void blocking(RoutingContext ctx, int status, Callable<T> work, Function<T, JsonNode> render) {
    blocking(ctx, work, result -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(Json.write(render.apply(result))));
  }

  private static void failure(RoutingContext ctx) {
    if (ctx.failure() instanceof GatewayException g) {
      fail(ctx, g.error());
    } else if (ctx.statusCode() == 413) {
      fail(ctx, ApiError.bodyTooLarge(MAX_BODY));
    } else if (ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      fail(ctx, ApiError.invalidRequest("bad request"));
    } else {
      LOG.error("admin request failed: {}", ctx.failure() == null ? ctx.statusCode() : ctx.failure().toString());
      fail(ctx, ApiError.internal());
    }
  }

  /** Renders the error envelope; the one place admin errors are written. */
  static void fail(RoutingContext ctx, ApiError error) {
    if (ctx.response().ended()) {
      return;
    }
    ObjectNode err = Json.object();
    err.putObject("error")
        .put("message", error.message())
        .put("type", error.type())
        .put("param", error.param())
        .put("code", error.code());
    var response = ctx.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json");
    error.headers().forEach(response::putHeader);
    response.end(Json.write(err));
  }

  private ObjectNode keyJson(ApiKey k, Instant now) {
    ObjectNode o = Json.object()
        .put("object", "api_key")
        .put("id", k.id())
        .put("prefix", k.prefix())
        .put("name", k.name())
        .put("plan", k.plan());
    if (k.plan() != null && plans != null) {
      // a plan removed from the config since: the key's limited requests fail 500 plan_not_configured
      o.put("plan_configured", plans.get(k.plan()).isPresent());
    }
    o.put("status", k.status(now));
    ArrayNode models = o.putArray("models");
    k.models().forEach(models::add);
    putTime(o, "created_at", k.createdAt());
    putTime(o, "expires_at", k.expiresAt());
    putTime(o, "revoked_at", k.revokedAt());
    putTime(o, "last_used_at", k.lastUsedAt());
    return o;
  }

  private ObjectNode createdJson(CreatedKey created) {
    return keyJson(created.key(), keys.clock().instant()).put("key", created.secret());
  }

  private static ObjectNode rowJson(UsageRow r) {
    return Json.object()
        .put("group", r.group())
        .put("requests", r.requests())
        .put("prompt_tokens", r.promptTokens())
        .put("completion_tokens", r.completionTokens())
        .put("cached_tokens", r.cachedTokens())
        .put("reasoning_tokens", r.reasoningTokens())
        .put("errors", r.errors());
  }

  private static void putTime(ObjectNode o, String field, Instant t) {
    if (t == null) {
      o.putNull(field);
    } else {
      o.put(field, t.getEpochSecond());
    }
  }

  private static String text(ObjectNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw ApiError.invalidParam(field, field + " must be a string").exception();
    }
    return n.asText();
  }

  private static List<String> models(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      out.add(n.asText());
      return out;
    }
    if (!n.isArray()) {
      throw ApiError.invalidParam("models", "models must be an array of strings").exception();
    }
    for (JsonNode m : n) {
      if (!m.isTextual()) {
        throw ApiError.invalidParam("models", "models must be an array of strings").exception();
      }
      out.add(m.asText());
    }
    return out;
  }

  private Instant expiry(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isIntegralNumber()) {
      return Instant.ofEpochSecond(n.asLong());
    }
    if (n.isTextual()) {
      return NewKey.parseExpiry(n.asText(), keys.clock());
    }
    throw ApiError.invalidParam("expires_at", "expires_at must be epoch seconds or a date string").exception();
  }
}
