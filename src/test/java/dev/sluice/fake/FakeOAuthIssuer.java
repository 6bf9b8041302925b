package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for auth.openai.com (and the backend's usage endpoint) that enforces the rules
 * Sluice must follow: PKCE S256 verifier check, single-use authorization codes bound to their
 * redirect URI, refresh-token rotation (reusing a rotated token answers 401
 * {@code refresh_token_reused}), expired and revoked refresh tokens, and the device-code flow
 * (403 while pending). Tokens are JWT-shaped with the {@code https://api.openai.com/auth} claim.
 */
public final class FakeOAuthIssuer implements AutoCloseable {
  public static final String CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

  /** Who signs in next. */
  public record Identity(String accountId, String email, String plan) {
  }

  /** Tokens issued directly (fixtures). */
  public record Issued(String idToken, String accessToken, String refreshToken) {
  }

  private record CodeGrant(String challenge, String redirectUri, Identity who) {
  }

  private enum RtState { CURRENT, USED, REVOKED }

  private static final class Rt {
    final Identity who;
    final Instant expiresAt;
    volatile RtState state = RtState.CURRENT;

    Rt(Identity who, Instant expiresAt) {
      this.who = who;
      this.expiresAt = expiresAt;
    }
  }

  private static final class Device {
    final Identity who;
    final String userCode;
    volatile boolean approved;
    final AtomicInteger polls = new AtomicInteger();

    Device(Identity who, String userCode) {
      this.who = who;
      this.userCode = userCode;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx = Vertx.vertx();
  private final Clock clock;
  private HttpServer server;
  private final Map<String, CodeGrant> codes = new ConcurrentHashMap<>();
  private final Map<String, Rt> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, Identity> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> usage = new ConcurrentHashMap<>();
  private final AtomicInteger refreshCalls = new AtomicInteger();
  private final AtomicInteger exchangeCalls = new AtomicInteger();
  private volatile Identity next = new Identity("acct-1111", "ada@example.com", "plus");
  private volatile Duration accessTtl = Duration.ofHours(1);
  private volatile Duration refreshTtl = Duration.ofDays(30);
  private volatile boolean omitRotatedRefreshToken;
  private volatile int failRefreshesWith;
  private volatile int devicePendingPolls = 2;
  private volatile CompletableFuture<Void> refreshGate;

  private FakeOAuthIssuer(Clock clock) {
    this.clock = clock;
  }

  public static FakeOAuthIssuer start(Clock clock) {
    FakeOAuthIssuer f = new FakeOAuthIssuer(clock);
    Router r = Router.router(f.vertx);
    r.route().handler(BodyHandler.create());
    r.get("/oauth/authorize").handler(f::authorize);
    r.post("/oauth/token").handler(f::token);
    r.post("/api/accounts/deviceauth/usercode").handler(f::userCode);
    r.post("/api/accounts/deviceauth/token").handler(f::devicePoll);
    r.get("/backend-api/wham/usage").handler(f::usage);
    try {
      f.server = f.vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return f;
  }

  public String issuer() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public FakeOAuthIssuer nextIdentity(Identity who) {
    this.next = who;
    return this;
  }

  public FakeOAuthIssuer accessTtl(Duration d) {
    this.accessTtl = d;
    return this;
  }

  public FakeOAuthIssuer refreshTtl(Duration d) {
    this.refreshTtl = d;
    return this;
  }

  /** Refresh answers carry no new refresh token (the old one stays valid). */
  public FakeOAuthIssuer omitRotatedRefreshToken(boolean omit) {
    this.omitRotatedRefreshToken = omit;
    return this;
  }

  /** Refreshes answer this HTTP status (e.g. 500); 0 for normal behaviour. */
  public FakeOAuthIssuer failRefreshesWith(int status) {
    this.failRefreshesWith = status;
    return this;
  }

  public FakeOAuthIssuer devicePendingPolls(int n) {
    this.devicePendingPolls = n;
    return this;
  }

  /** Holds refresh answers until the returned future is completed. */
  public CompletableFuture<Void> holdRefreshes() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    refreshGate = gate;
    return gate;
  }

  public int refreshCount() {
    return refreshCalls.get();
  }

  public int exchangeCount() {
    return exchangeCalls.get();
  }

  /** The refresh token currently valid for an account, or null. */
  public String currentRefreshToken(String accountId) {
    return refreshTokens.entrySet().stream()
        .filter(e -> e.getValue().who.accountId().equals(accountId) && e.getValue().state == RtState.CURRENT)
        .map(Map.Entry::getKey).findFirst().orElse(null);
  }

  /** Someone else used the account's current refresh token (as another client holding a copy would). */
  public String rotateBehindTheBack(String accountId) {
    String rt = currentRefreshToken(accountId);
    Rt old = refreshTokens.get(rt);
    old.state = RtState.USED;
    return issue(old.who).refreshToken();
  }

  /** Revokes every refresh token of an account. */
  public void revoke(String accountId) {
    refreshTokens.values().stream().filter(r -> r.who.accountId().equals(accountId))
        .forEach(r -> r.state = RtState.REVOKED);
  }

  public boolean isValidAccessToken(String token) {
    return accessTokens.containsKey(token);
  }

  /** Sets the usage answer for an account. */
  public void usage(String accountId, double primaryUsed, double secondaryUsed) {
    long now = clock.instant().getEpochSecond();
    ObjectNode n = Json.object().put("plan_type", "plus");
    ObjectNode rl = n.putObject("rate_limit").put("allowed", true).put("limit_reached", false);
    rl.putObject("primary_window").put("used_percent", primaryUsed).put("limit_window_seconds", 18_000)
        .put("reset_after_seconds", 3600).put("reset_at", now + 3600);
    rl.putObject("secondary_window").put("used_percent", secondaryUsed).put("limit_window_seconds", 604_800)
        .put("reset_after_seconds", 86_400).put("reset_at", now + 86_400);
    usage.put(accountId, n);
  }

  /**
   * Plays the browser and the user approving the sign-in: validates the authorize URL like the real
   * issuer and returns the callback URL the browser would be sent to.
   */
  public String approve(URI authorizeUrl) {
    Map<String, String> q = query(authorizeUrl.getRawQuery());
    String problem = checkAuthorize(q);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String code = "code-" + random();
    codes.put(code, new CodeGrant(q.get("code_challenge"), q.get("redirect_uri"), next));
    return q.get("redirect_uri") + "?code=" + enc(code) + "&state=" + enc(q.get("state"));
  }

  /** Issues tokens without a sign-in (fixtures such as an auth.json). */
  public Issued issue(Identity who) {
    String access = jwt(who, accessTtl, "access");
    String id = jwt(who, Duration.ofHours(1), "id");
    String rt = "rt-" + random();
    accessTokens.put(access, who);
    refreshTokens.put(rt, new Rt(who, clock.instant().plus(refreshTtl)));
    return new Issued(id, access, rt);
  }

  private String checkAuthorize(Map<String, String> q) {
    if (!CLIENT_ID.equals(q.get("client_id"))) {
      return "unknown client_id";
    }
    if (!"code".equals(q.get("response_type"))) {
      return "response_type must be code";
    }
    if (!"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null) {
      return "PKCE S256 is required";
    }
    if (q.get("state") == null || q.get("state").length() < 16) {
      return "state is required";
    }
    String redirect = q.getOrDefault("redirect_uri", "");
    if (!redirect.matches("http://localhost:\\d+/auth/callback")) {
      return "redirect_uri not allowed: " + redirect;
    }
    if (!"true".equals(q.get("id_token_add_organizations")) || !"true".equals(q.get("codex_cli_simplified_flow"))) {
      return "missing codex parameters";
    }
    if (q.get("originator") == null || !q.getOrDefault("scope", "").contains("offline_access")) {
      return "missing originator or offline_access scope";
    }
    return null;
  }

  private void authorize(RoutingContext ctx) {
    try {
      String target = approve(URI.create(ctx.request().uri()));
      ctx.response().setStatusCode(302).putHeader("Location", target).end();
    } catch (IllegalArgumentException e) {
      ctx.response().setStatusCode(400).end(e.getMessage());
    }
  }

  private void token(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    Map<String, String> p = new HashMap<>();
    if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
      p.putAll(query(ctx.body().asString()));
    } else {
      JsonNode n;
      try {
        n = Json.parse(ctx.body().asString());
      } catch (Exception e) {
        error(ctx, 400, "invalid_request", "body must be JSON or a form");
        return;
      }
      n.fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
    }
    if (!CLIENT_ID.equals(p.get("client_id"))) {
      error(ctx, 401, "invalid_client", "unknown client");
      return;
    }
    switch (p.getOrDefault("grant_type", "")) {
      case "authorization_code" -> exchange(ctx, p);
      case "refresh_token" -> refresh(ctx, p);
      default -> error(ctx, 400, "unsupported_grant_type", "grant_type");
    }
  }

  private void exchange(RoutingContext ctx, Map<String, String> p) {
    exchangeCalls.incrementAndGet();
    CodeGrant g = codes.remove(p.getOrDefault("code", ""));
    if (g == null) {
      error(ctx, 400, "invalid_grant", "unknown or already used code");
      return;
    }
    if (!g.redirectUri().equals(p.get("redirect_uri"))) {
      error(ctx, 400, "invalid_grant", "redirect_uri mismatch");
      return;
    }
    if (p.get("code_verifier") == null || !challenge(p.get("code_verifier")).equals(g.challenge())) {
      error(ctx, 400, "invalid_grant", "code_verifier does not match");
      return;
    }
    Issued t = issue(g.who());
    ctx.json(Json.object().put("id_token", t.idToken()).put("access_token", t.accessToken())
        .put("refresh_token", t.refreshToken()).put("expires_in", accessTtl.toSeconds()));
  }

  private void refresh(RoutingContext ctx, Map<String, String> p) {
    refreshCalls.incrementAndGet();
    Context vctx = vertx.getOrCreateContext();
    CompletableFuture<Void> gate = refreshGate;
    Runnable answer = () -> doRefresh(ctx, p);
    if (gate == null) {
      answer.run();
    } else {
      gate.whenComplete((v, e) -> vctx.runOnContext(x -> answer.run()));
    }
  }

  private void doRefresh(RoutingContext ctx, Map<String, String> p) {
    if (failRefreshesWith != 0) {
      error(ctx, failRefreshesWith, "server_error", "try later");
      return;
    }
    Rt rt = refreshTokens.get(p.getOrDefault("refresh_token", ""));
    if (rt == null) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(Json.write(Json.object().put("error", "invalid_grant").put("error_description", "unknown token")));
      return;
    }
    if (rt.state == RtState.USED) {
      error(ctx, 401, "refresh_token_reused", "Your refresh token has already been used to generate a new access token.");
      return;
    }
    if (rt.state == RtState.REVOKED) {
      error(ctx, 401, "refresh_token_invalidated", "Your refresh token has been invalidated.");
      return;
    }
    if (!clock.instant().isBefore(rt.expiresAt)) {
      error(ctx, 401, "refresh_token_expired", "Your refresh token has expired.");
      return;
    }
    Issued t = issue(rt.who);
    ObjectNode body = Json.object().put("id_token", t.idToken()).put("access_token", t.accessToken())
        .put("expires_in", accessTtl.toSeconds());
    if (omitRotatedRefreshToken) {
      refreshTokens.remove(t.refreshToken());
    } else {
      rt.state = RtState.USED;
      body.put("refresh_token", t.refreshToken());
    }
    ctx.json(body);
  }

  private void userCode(RoutingContext ctx) {
    JsonNode n = parse(ctx);
    if (!CLIENT_ID.equals(n.path("client_id").asText())) {
      error(ctx, 401, "invalid_client", "unknown client");
      return;
    }
    String id = "dev-" + random();
    String code = String.format("%04d-%04d", RANDOM.nextInt(10_000), RANDOM.nextInt(10_000));
    devices.put(id, new Device(next, code));
    ctx.json(Json.object().put("device_auth_id", id).put("user_code", code).put("interval", "0"));
  }

  private void devicePoll(RoutingContext ctx) {
    JsonNode n = parse(ctx);
    Device d = devices.get(n.path("device_auth_id").asText());
    if (d == null || !d.userCode.equals(n.path("user_code").asText())) {
      error(ctx, 400, "invalid_request", "unknown device authorization");
      return;
    }
    if (d.polls.incrementAndGet() <= devicePendingPolls && !d.approved) {
      error(ctx, 403, "deviceauth_authorization_pending", "pending");
      return;
    }
    devices.remove(n.path("device_auth_id").asText());
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    String code = "code-" + random();
    codes.put(code, new CodeGrant(challenge(verifier), issuer() + "/deviceauth/callback", d.who));
    ctx.json(Json.object().put("authorization_code", code).put("code_challenge", challenge(verifier))
        .put("code_verifier", verifier));
  }

  private void usage(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    Identity who = auth == null || !auth.startsWith("Bearer ") ? null : accessTokens.get(auth.substring(7));
    if (who == null || !who.accountId().equals(ctx.request().getHeader("chatgpt-account-id"))) {
      error(ctx, 401, "invalid_token", "bad token");
      return;
    }
    ObjectNode u = usage.get(who.accountId());
    if (u == null) {
      error(ctx, 404, "not_found", "no usage");
      return;
    }
    ctx.json(u);
  }

  private JsonNode parse(RoutingContext ctx) {
    try {
      return Json.parse(ctx.body().asString());
    } catch (Exception e) {
      return Json.object();
    }
  }

  private String jwt(Identity who, Duration ttl, String kind) {
    Instant now = clock.instant();
    ObjectNode payload = Json.object().put("iss", "https://auth.openai.com").put("sub", "user-" + who.accountId())
        .put("aud", kind.equals("id") ? CLIENT_ID : "https://api.openai.com/v1")
        .put("iat", now.getEpochSecond()).put("exp", now.plus(ttl).getEpochSecond()).put("jti", random());
    if (kind.equals("id")) {
      payload.put("email", who.email());
    } else {
      payload.putObject("https://api.openai.com/profile").put("email", who.email());
    }
    payload.putObject("https://api.openai.com/auth").put("chatgpt_account_id", who.accountId())
        .put("chatgpt_plan_type", who.plan());
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(random().getBytes(StandardCharsets.UTF_8));
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    ObjectNode body = Json.object();
    body.putObject("error").put("message", message).put("type", "invalid_request_error").put("code", code);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String random() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    }
  }
}
