package dev.sluice.accounts.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The ChatGPT OAuth client: authorize URL (PKCE S256), code exchange, refresh and the device-code
 * flow. Every network call is asynchronous ({@link HttpClient#sendAsync}); failures complete the
 * future with an {@link OAuthException} whose message never holds a token.
 */
public final class OAuthClient {
  private final OAuthSettings settings;
  private final HttpClient http;
  private final Duration timeout;

  public OAuthClient(OAuthSettings settings, HttpClient http, Duration timeout) {
    this.settings = settings;
    this.http = http;
    this.timeout = timeout;
  }

  public OAuthSettings settings() {
    return settings;
  }

  /** The browser URL that starts a sign-in. */
  public URI authorizeUrl(Pkce pkce, String state, String redirectUri) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", settings.clientId());
    q.put("redirect_uri", redirectUri);
    q.put("scope", String.join(" ", settings.scopes()));
    q.put("code_challenge", pkce.challenge());
    q.put("code_challenge_method", "S256");
    q.put("id_token_add_organizations", "true");
    q.put("codex_cli_simplified_flow", "true");
    q.put("state", state);
    if (!settings.originator().isEmpty()) {
      q.put("originator", settings.originator());
    }
    if (!settings.audience().isEmpty()) {
      q.put("audience", settings.audience());
    }
    String sep = settings.authorizeEndpoint().contains("?") ? "&" : "?";
    return URI.create(settings.authorizeEndpoint() + sep + form(q));
  }

  /** Exchanges an authorization code (form POST to the token endpoint). */
  public CompletableFuture<TokenResponse> exchangeCode(String code, String verifier, String redirectUri) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", redirectUri);
    f.put("client_id", settings.clientId());
    f.put("code_verifier", verifier);
    if (!settings.clientSecret().isEmpty()) {
      f.put("client_secret", settings.clientSecret());
    }
    HttpRequest req = base(URI.create(settings.tokenEndpoint()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(f))).build();
    return send(req, "code exchange").thenApply(OAuthClient::tokens);
  }

  /** Refreshes (JSON POST). The answer may omit a new refresh or id token. */
  public CompletableFuture<TokenResponse> refresh(String refreshToken) {
    ObjectNode body = Json.object()
        .put("client_id", settings.clientId())
        .put("grant_type", "refresh_token")
        .put("refresh_token", refreshToken);
    if (!settings.refreshScope().isEmpty()) {
      body.put("scope", settings.refreshScope());
    }
    if (!settings.clientSecret().isEmpty()) {
      body.put("client_secret", settings.clientSecret());
    }
    HttpRequest req = base(URI.create(settings.tokenEndpoint()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    return send(req, "token refresh").thenApply(OAuthClient::tokens);
  }

  /** Starts a device sign-in. */
  public CompletableFuture<DeviceCode> requestDeviceCode() {
    HttpRequest req = base(settings.deviceUserCodeUri())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("client_id", settings.clientId()))))
        .build();
    return send(req, "device code request").thenApply(n -> {
      String id = n.path("device_auth_id").asText("");
      String code = n.path("user_code").asText(n.path("usercode").asText(""));
      if (id.isEmpty() || code.isEmpty()) {
        throw new OAuthException(200, null, "device code request: answer lacks device_auth_id or user_code");
      }
      long interval = parseLong(n.path("interval"), 5);
      return new DeviceCode(settings.deviceVerificationUrl(), code, id, Duration.ofSeconds(Math.max(0, interval)));
    });
  }

  /**
   * One poll of a device sign-in: empty while the user has not approved yet (403/404), else the
   * issued tokens (the authorization code is exchanged here).
   */
  public CompletableFuture<Optional<TokenResponse>> pollDeviceCode(DeviceCode code) {
    ObjectNode body = Json.object().put("device_auth_id", code.deviceAuthId()).put("user_code", code.userCode());
    HttpRequest req = base(settings.deviceTokenUri())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .handle((resp, err) -> {
          if (err != null) {
            throw new OAuthException("device code poll: issuer unreachable", unwrap(err));
          }
          return resp;
        })
        .thenCompose(resp -> {
          if (resp.statusCode() == 403 || resp.statusCode() == 404) {
            return CompletableFuture.completedFuture(Optional.<TokenResponse>empty());
          }
          JsonNode n = parse(resp, "device code poll");
          String authCode = n.path("authorization_code").asText("");
          String verifier = n.path("code_verifier").asText("");
          if (authCode.isEmpty() || verifier.isEmpty()) {
            throw new OAuthException(resp.statusCode(), null, "device code poll: answer lacks authorization_code");
          }
          return exchangeCode(authCode, verifier, settings.deviceRedirectUri()).thenApply(Optional::of);
        });
  }

  private HttpRequest.Builder base(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
  }

  private CompletableFuture<JsonNode> send(HttpRequest req, String what) {
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .handle((resp, err) -> {
          if (err != null) {
            throw new OAuthException(what + ": issuer unreachable (" + unwrap(err).getClass().getSimpleName() + ")",
                unwrap(err));
          }
          return parse(resp, what);
        });
  }

  private static JsonNode parse(HttpResponse<String> resp, String what) {
    JsonNode body;
    try {
      body = Json.parse(resp.body() == null || resp.body().isBlank() ? "{}" : resp.body());
    } catch (Exception e) {
      body = Json.object();
    }
    if (resp.statusCode() / 100 != 2) {
      String code = errorCode(body);
      throw new OAuthException(resp.statusCode(), code,
          what + " failed: HTTP " + resp.statusCode() + (code == null ? "" : " " + code));
    }
    return body;
  }

  /**
   * The issuer's error code from any of the shapes seen: {@code {"error":"invalid_grant"}},
   * {@code {"error":{"code":"refresh_token_reused"}}}, {@code {"code":...}}.
   */
  static String errorCode(JsonNode body) {
    JsonNode e = body.path("error");
    if (e.isTextual()) {
      return e.asText();
    }
    for (JsonNode n : new JsonNode[] {e.path("code"), e.path("type"), body.path("code"), body.path("error_code")}) {
      if (n.isTextual() && !n.asText().isBlank()) {
        return n.asText();
      }
    }
    return null;
  }

  private static TokenResponse tokens(JsonNode n) {
    String access = n.path("access_token").asText("");
    if (access.isEmpty()) {
      throw new OAuthException(200, null, "issuer answer lacks access_token");
    }
    Long expiresIn = n.path("expires_in").isMissingNode() || n.path("expires_in").isNull()
        ? null : parseLong(n.path("expires_in"), 0);
    return new TokenResponse(textOrNull(n.path("id_token")), access, textOrNull(n.path("refresh_token")), expiresIn);
  }

  private static String textOrNull(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  private static long parseLong(JsonNode n, long dflt) {
    if (n.canConvertToLong()) {
      return n.asLong();
    }
    try {
      return Long.parseLong(n.asText("").trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
