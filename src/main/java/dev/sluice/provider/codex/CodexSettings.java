package dev.sluice.provider.codex;

import dev.sluice.config.Config;
import java.time.Duration;

/**
 * How Sluice talks to the Codex backend.
 *
 * @param baseUrl {@code upstream.codex_base_url}
 * @param responsesPath {@code upstream.codex_responses_path}
 * @param modelsPath {@code upstream.codex_models_path}
 * @param clientVersion sent as {@code client_version} to the model list
 * @param originator {@code oauth.originator}
 * @param timeoutMillis whole-request timeout of non-streaming calls, idle timeout before a stream starts
 * @param maxAttempts upstream attempts per request, over all accounts
 * @param modelsTtl how long a fetched model list is served before it is fetched again
 */
public record CodexSettings(String baseUrl, String responsesPath, String modelsPath, String clientVersion,
                            String originator, long timeoutMillis, int maxAttempts, Duration modelsTtl) {

  public static CodexSettings fromConfig(Config cfg) {
    return new CodexSettings(cfg.url("upstream.codex_base_url"), cfg.requireString("upstream.codex_responses_path"),
        cfg.requireString("upstream.codex_models_path"), cfg.requireString("upstream.codex_client_version"),
        cfg.requireString("oauth.originator"), cfg.integer("upstream.timeout_seconds", 1, 3600) * 1000L,
        cfg.integer("upstream.codex_max_attempts", 1, 20),
        Duration.ofSeconds(cfg.integer("upstream.codex_models_refresh_seconds", 1, 86_400)));
  }

  /** The same settings against another backend address ({@code upstreams.NAME.base_url}). */
  public CodexSettings withBaseUrl(String url) {
    return new CodexSettings(url, responsesPath, modelsPath, clientVersion, originator, timeoutMillis, maxAttempts,
        modelsTtl);
  }

  String responsesUrl() {
    return baseUrl + responsesPath;
  }

  String modelsUrl() {
    return baseUrl + modelsPath + (modelsPath.contains("?") ? "&" : "?") + "client_version="
        + java.net.URLEncoder.encode(clientVersion, java.nio.charset.StandardCharsets.UTF_8);
  }
}
