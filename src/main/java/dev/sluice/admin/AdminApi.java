package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.keys.ApiKey;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyAuthenticator;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.ratelimit.Plans;
import dev.sluice.route.Routing;
import dev.sluice.usage.UsageQuery;
import dev.sluice.usage.UsageRow;
import dev.sluice.usage.UsageService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
 * GET    /admin/upstreams          → {"object":"list","data":[upstream health...],"routes":[...]}
 * </pre>
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final int MAX_BODY = 64 * 1024;

  private final Vertx vertx;
  private final KeyService keys;
  private final UsageService usage;
  private final byte[] adminKeyHash;
  private final Plans plans;

  private AdminApi(Vertx vertx, KeyService keys, UsageService usage, String adminKey, Plans plans) {
    this.vertx = vertx;
    this.plans = plans;
    this.keys = keys;
    this.usage = usage;
    this.adminKeyHash = adminKey == null || adminKey.isBlank() ? null : sha256(adminKey.trim());
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
    AdminApi api = new AdminApi(vertx, keys, usage, adminKey, plans);
    Router r = Router.router(vertx);
    r.route().handler(api::authorize);
    r.post("/keys").handler(AdminApi::noMultipart);
    r.post("/keys").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(api::create);
    r.get("/keys").handler(api::list);
    r.get("/keys/:ref").handler(api::show);
    r.post("/keys/:ref/revoke").handler(api::revoke);
    r.delete("/keys/:ref").handler(api::revoke);
    r.post("/keys/:ref/rotate").handler(api::rotate);
    r.post("/keys/:ref/plan").handler(AdminApi::noMultipart);
    r.post("/keys/:ref/plan").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(api::setPlan);
    r.get("/usage").handler(api::usage);
    if (routing != null) {
      r.get("/upstreams").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
          .end(Json.write(routing.status())));
    }
    r.route().handler(ctx -> fail(ctx, ApiError.unsupportedEndpoint(ctx.request().path())));
    r.route().failureHandler(AdminApi::failure);
    return r;
  }

  private void authorize(RoutingContext ctx) {
    if (adminKeyHash == null) {
      fail(ctx, ApiError.unsupportedEndpoint(ctx.request().path()));
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : "";
    if (presented.isEmpty() || !MessageDigest.isEqual(sha256(presented), adminKeyHash)) {
      fail(ctx, ApiError.of(401, ApiError.AUTHENTICATION, "invalid admin key", "invalid_api_key"));
      return;
    }
    ctx.next();
  }

  /**
   * The body is JSON whatever the Content-Type says ({@code curl -d} sends form-urlencoded); keeps
   * the body handler from decoding it as a form, which fails on long fields.
   */
  private static void noMultipart(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    String lower = ct == null ? "" : ct.toLowerCase(java.util.Locale.ROOT).trim();
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
    blocking(ctx, 200, () -> {
      String keyId = query.keyId();
      if (keyId != null && !keyId.equals(KeyAuthenticator.CONFIG_KEY_ID)) {
        keyId = keys.resolve(keyId).id();
      }
      return usage.summary(new UsageQuery(keyId, query.since(), query.by()));
    }, rows -> {
      ObjectNode out = Json.object().put("object", "list").put("by", query.by().label());
      ArrayNode data = out.putArray("data");
      rows.forEach(r -> data.add(rowJson(r)));
      out.set("total", rowJson(UsageService.total(rows)));
      return out;
    });
  }

  private <T> void blocking(RoutingContext ctx, int status, Callable<T> work, Function<T, JsonNode> render) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(Json.write(render.apply(ar.result())));
      } else if (ar.cause() instanceof GatewayException g) {
        fail(ctx, g.error());
      } else {
        LOG.error("admin request failed: {}", ar.cause().getMessage());
        fail(ctx, ApiError.internal());
      }
    });
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
  private static void fail(RoutingContext ctx, ApiError error) {
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

  private static ObjectNode keyJson(ApiKey k, Instant now) {
    ObjectNode o = Json.object()
        .put("object", "api_key")
        .put("id", k.id())
        .put("prefix", k.prefix())
        .put("name", k.name())
        .put("plan", k.plan())
        .put("status", k.status(now));
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

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
