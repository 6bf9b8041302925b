package dev.sluice.accounts.oauth;

import dev.sluice.config.Config;
import java.net.URI;
import java.util.List;

/**
 * The {@code oauth:} section: issuer, client and redirect settings of the ChatGPT sign-in.
 *
 * @param redirectFallbackPort tried when {@code redirectPort} is taken; 0 for none
 */
public record OAuthSettings(String issuer, String clientId, String clientSecret,
                            String authorizeEndpoint, String tokenEndpoint,
                            String redirectHost, int redirectPort, int redirectFallbackPort,
                            String redirectPath, String originator, List<String> scopes,
                            String refreshScope, String audience) {

  public OAuthSettings {
    scopes = List.copyOf(scopes);
  }

  public static OAuthSettings fromConfig(Config cfg) {
    String issuer = cfg.url("oauth.issuer");
    String authorize = cfg.string("oauth.authorize_endpoint");
    String token = cfg.string("oauth.token_endpoint");
    String path = cfg.string("oauth.redirect_path");
    return new OAuthSettings(issuer,
        cfg.requireString("oauth.client_id"),
        cfg.string("oauth.client_secret"),
        authorize.isEmpty() ? issuer + "/oauth/authorize" : cfg.url("oauth.authorize_endpoint"),
        token.isEmpty() ? issuer + "/oauth/token" : cfg.url("oauth.token_endpoint"),
        cfg.string("oauth.redirect_host").isEmpty() ? "localhost" : cfg.string("oauth.redirect_host"),
        cfg.integer("oauth.redirect_port", 0, 65535),
        cfg.integer("oauth.redirect_fallback_port", 0, 65535),
        path.isEmpty() ? "/auth/callback" : (path.startsWith("/") ? path : "/" + path),
        cfg.string("oauth.originator"),
        cfg.stringList("oauth.scopes"),
        cfg.string("oauth.refresh_scope"),
        cfg.string("oauth.audience"));
  }

  /** The redirect URI registered for the browser flow on the given local port. */
  public String redirectUri(int port) {
    return "http://" + redirectHost + ":" + port + redirectPath;
  }

  public URI deviceUserCodeUri() {
    return URI.create(issuer + "/api/accounts/deviceauth/usercode");
  }

  public URI deviceTokenUri() {
    return URI.create(issuer + "/api/accounts/deviceauth/token");
  }

  /** Where the user enters the device code. */
  public String deviceVerificationUrl() {
    return issuer + "/codex/device";
  }

  /** The redirect URI the device flow's code exchange uses. */
  public String deviceRedirectUri() {
    return issuer + "/deviceauth/callback";
  }
}
