package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.config.Config;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/**
 * The web console at {@code /console/}: static files from the jar ({@code resources/console/}) and its
 * sign-in. The admin key is posted once to {@code POST /console/session} and exchanged for a session
 * cookie ({@code HttpOnly; SameSite=Strict; Path=/console}); the page's scripts never see it again. The
 * page then calls the admin API under {@code /console/api/}, where the cookie stands in for the key and
 * every state-changing call must carry the session's CSRF token in {@code X-CSRF-Token} (and, when the
 * browser sends one, an {@code Origin} equal to the console's own). Every answer carries a strict
 * Content-Security-Policy: scripts, styles and connections from this origin only, nothing inline.
 *
 * <pre>
 * POST   /console/session  {"admin_key"} → 200 {"csrf_token"} + Set-Cookie; 401 wrong key; 429 too many attempts
 * GET    /console/session  → 200 {"csrf_token"} while signed in, else 401
 * DELETE /console/session  → 204 (with X-CSRF-Token)
 * *      /console/api/...  → the admin API (see {@link AdminApi})
 * </pre>
 */
public final class Console {
  static final String COOKIE = "sluice_console";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final int MAX_SIGN_IN_BODY = 4096;

  private final AdminAuth auth;
  private final ConsoleSessions sessions;

  private Console(AdminAuth auth, ConsoleSessions sessions) {
    this.auth = auth;
    this.sessions = sessions;
  }

  /**
   * Mounts the console on {@code router}; with no admin key configured every console path answers 404.
   *
   * @param adminApi builds the admin API router behind the given guard, for {@code /console/api/}
   */
  public static void mount(Router router, Config cfg, AdminAuth auth,
                           Function<Handler<RoutingContext>, Router> adminApi) {
    Duration ttl = Duration.ofMinutes(cfg.integer("console.session_minutes", 1, 7 * 24 * 60));
    int attempts = cfg.integer("console.sign_in_attempts_per_minute", 1, 10_000);
    mount(router, auth, new ConsoleSessions(ttl, attempts, Ticker.systemTicker()), adminApi);
  }

  static void mount(Router router, AdminAuth auth, ConsoleSessions sessions,
                    Function<Handler<RoutingContext>, Router> adminApi) {
    Console console = new Console(auth, sessions);
    router.route("/console*").handler(console::headers);
    router.get("/console").handler(ctx -> {
      if (ctx.request().path().equals("/console")) {
        ctx.redirect("/console/");
      } else {
        ctx.next();
      }
    });
    router.post("/console/session").handler(BodyHandler.create(false).setBodyLimit(MAX_SIGN_IN_BODY))
        .handler(console::signIn);
    router.get("/console/session").handler(console::current);
    router.delete("/console/session").handler(console::signOut);
    router.route("/console/api/*").subRouter(adminApi.apply(console::guard));
    router.get("/console/*").handler(new ConsoleFiles()::handle);
  }

  /** Security headers on every console answer; 404 for everything when no admin key is configured. */
  private void headers(RoutingContext ctx) {
    if (!auth.configured()) {
      AdminApi.fail(ctx, ApiError.unsupportedEndpoint(ctx.request().path()));
      return;
    }
    HttpServerResponse r = ctx.response();
    r.putHeader("Content-Security-Policy", CSP);
    r.putHeader("X-Content-Type-Options", "nosniff");
    r.putHeader("X-Frame-Options", "DENY");
    r.putHeader("Referrer-Policy", "no-referrer");
    r.putHeader("Cache-Control", "no-store");
    r.putHeader("Cross-Origin-Opener-Policy", "same-origin");
    ctx.next();
  }

  private void signIn(RoutingContext ctx) {
    if (!sameOrigin(ctx)) {
      AdminApi.fail(ctx, ApiError.of(403, ApiError.PERMISSION, "cross-origin sign-in refused", "csrf_failed"));
      return;
    }
    ConsoleSessions.Attempt attempt = sessions.attempt(ctx.request().remoteAddress() == null ? null
        : ctx.request().remoteAddress().hostAddress());
    if (!attempt.allowed()) {
      ctx.response().putHeader("Retry-After", Long.toString(attempt.retryAfterSeconds()));
      AdminApi.fail(ctx, ApiError.of(429, ApiError.RATE_LIMIT, "too many sign-in attempts; try again in "
          + attempt.retryAfterSeconds() + " s", "rate_limit_exceeded"));
      return;
    }
    String presented = null;
    try {
      JsonNode body = Json.parse(ctx.body().asString(StandardCharsets.UTF_8.name()));
      presented = body.path("admin_key").isTextual() ? body.path("admin_key").asText() : null;
    } catch (Exception e) {
      // an unreadable body is a wrong key
    }
    if (!auth.matches(presented)) {
      AdminApi.fail(ctx, ApiError.of(401, ApiError.AUTHENTICATION, "invalid admin key", "invalid_api_key"));
      return;
    }
    String token = sessions.open();
    ctx.response().addCookie(cookie(token, sessions.ttl().toSeconds()).setSecure(ctx.request().isSSL()));
    ctx.response().putHeader("Content-Type", "application/json")
        .end(Json.write(Json.object().put("csrf_token", sessions.find(token).csrfToken())));
  }

  private void current(RoutingContext ctx) {
    ConsoleSessions.Session s = session(ctx);
    if (s == null) {
      AdminApi.fail(ctx, ApiError.of(401, ApiError.AUTHENTICATION, "not signed in", "invalid_api_key"));
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json")
        .end(Json.write(Json.object().put("csrf_token", s.csrfToken())));
  }

  private void signOut(RoutingContext ctx) {
    ConsoleSessions.Session s = session(ctx);
    if (s != null && !csrfOk(ctx, s)) {
      AdminApi.fail(ctx, ApiError.of(403, ApiError.PERMISSION, "missing or wrong CSRF token", "csrf_failed"));
      return;
    }
    Cookie c = ctx.request().getCookie(COOKIE);
    sessions.close(c == null ? null : c.getValue());
    ctx.response().addCookie(cookie("", 0)).setStatusCode(204).end();
  }

  /** The admin API's guard under {@code /console/api/}: a session, and the CSRF token unless it only reads. */
  private void guard(RoutingContext ctx) {
    ConsoleSessions.Session s = session(ctx);
    if (s == null) {
      AdminApi.fail(ctx, ApiError.of(401, ApiError.AUTHENTICATION, "not signed in", "invalid_api_key"));
      return;
    }
    HttpMethod m = ctx.request().method();
    if (m != HttpMethod.GET && m != HttpMethod.HEAD && !csrfOk(ctx, s)) {
      AdminApi.fail(ctx, ApiError.of(403, ApiError.PERMISSION, "missing or wrong CSRF token", "csrf_failed"));
      return;
    }
    ctx.next();
  }

  private boolean csrfOk(RoutingContext ctx, ConsoleSessions.Session s) {
    return sameOrigin(ctx) && ConsoleSessions.csrfMatches(s, ctx.request().getHeader(CSRF_HEADER));
  }

  /** No {@code Origin} (a same-origin GET, a non-browser client), or one naming this very host. */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      return true;
    }
    String host = ctx.request().getHeader("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private ConsoleSessions.Session session(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null ? null : sessions.find(c.getValue());
  }

  private static Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value).setPath("/console").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setMaxAge(maxAgeSeconds);
  }
}
