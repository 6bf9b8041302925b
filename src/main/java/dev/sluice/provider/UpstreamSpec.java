package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.api.Endpoint;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One named upstream from {@code upstreams:}, checked. Without an {@code upstreams:} section the legacy
 * {@code upstream.*} keys make one, named after its mode ({@code openai} or {@code codex}).
 *
 * @param name the key under {@code upstreams:}; what routes, usage records and {@code x-sluice-upstream} name
 * @param type its wire protocol
 * @param baseUrl where it is, without a trailing slash (the Codex pool's {@code codex_base_url})
 * @param apiKey the gateway's credential there (empty for none and for the Codex pool)
 * @param timeoutMillis the longest silence of the upstream, in every phase
 * @param connectTimeoutMillis the longest wait for a connection
 * @param paths endpoint paths under {@code baseUrl} for {@code models}, {@code chat_completions},
 *     {@code responses}
 * @param endpoints what it serves itself; the rest of what a route sends it is translated or refused
 * @param ownedBy {@code owned_by} of its models in {@code /v1/models} (empty: guessed from the model id)
 * @param version the API version it is asked for ({@code anthropic-version}; empty for others)
 * @param defaultMaxTokens {@code max_tokens} sent when the client gave none, where the upstream requires it
 */
public record UpstreamSpec(String name, Type type, String baseUrl, String apiKey, long timeoutMillis,
                           long connectTimeoutMillis, Map<String, String> paths, Set<Endpoint> endpoints,
                           String ownedBy, String version, int defaultMaxTokens) {

  /** The upstream protocols Sluice speaks. */
  public enum Type {
    /** Any OpenAI-compatible API. */
    OPENAI,
    /** The ChatGPT Codex backend through the pool of signed-in accounts. */
    CODEX,
    /** Anthropic's Messages API. */
    ANTHROPIC,
    /** Google's Gemini API ({@code generateContent}). */
    GEMINI;

    static Type of(String key, String value) {
      for (Type t : values()) {
        if (t.name().toLowerCase(Locale.ROOT).equals(value)) {
          return t;
        }
      }
      throw new ConfigException(key, "must be one of openai, codex, anthropic, gemini, got '" + value + "'");
    }
  }

  private static final Set<String> KEYS = Set.of("type", "base_url", "api_key", "timeout_seconds",
      "connect_timeout_seconds", "models_path", "chat_completions_path", "responses_path", "endpoints", "owned_by",
      "version", "default_max_tokens");

  /** The Anthropic API versions Sluice speaks. */
  static final Set<String> ANTHROPIC_VERSIONS = Set.of("2023-06-01", "2026-10-21");

  public String path(String which) {
    return paths.get(which);
  }

  /** Every upstream of the config, in the order written. */
  public static Map<String, UpstreamSpec> fromConfig(Config cfg) {
    long timeout = cfg.integer("upstream.timeout_seconds", 1, 3600) * 1000L;
    long connect = cfg.integer("upstream.connect_timeout_seconds", 1, 600) * 1000L;
    Map<String, UpstreamSpec> out = new LinkedHashMap<>();
    JsonNode section = cfg.node("upstreams");
    if (section.isMissingNode() || section.isNull() || section.isEmpty()) {
      UpstreamSpec legacy = legacy(cfg, timeout, connect);
      out.put(legacy.name(), legacy);
      return out;
    }
    if (!section.isObject()) {
      throw new ConfigException("upstreams", "expected a mapping of upstream names to their settings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), parse(cfg, e.getKey(), e.getValue(), timeout, connect));
    }
    return out;
  }

  private static UpstreamSpec legacy(Config cfg, long timeout, long connect) {
    String mode = cfg.oneOf("upstream.mode", "codex_oauth", "openai_api");
    if ("openai_api".equals(mode)) {
      return new UpstreamSpec("openai", Type.OPENAI, cfg.url("upstream.base_url"), cfg.string("upstream.api_key"),
          timeout, connect, openAiPaths(cfg, "upstream"), EnumSet.copyOf(Endpoint.openAi()), "", "", 0);
    }
    return new UpstreamSpec("codex", Type.CODEX, cfg.url("upstream.codex_base_url"), "", timeout, connect, Map.of(),
        CODEX_ENDPOINTS, "", "", 0);
  }

  static final Set<Endpoint> CODEX_ENDPOINTS = EnumSet.of(Endpoint.MODELS, Endpoint.CHAT_COMPLETIONS,
      Endpoint.RESPONSES);
  static final Set<Endpoint> ANTHROPIC_ENDPOINTS = EnumSet.of(Endpoint.MODELS, Endpoint.CHAT_COMPLETIONS,
      Endpoint.RESPONSES, Endpoint.MESSAGES, Endpoint.COUNT_TOKENS);
  static final Set<Endpoint> GEMINI_ENDPOINTS = EnumSet.of(Endpoint.MODELS, Endpoint.CHAT_COMPLETIONS,
      Endpoint.RESPONSES, Endpoint.GENERATE_CONTENT, Endpoint.STREAM_GENERATE_CONTENT, Endpoint.GEMINI_COUNT_TOKENS);

  private static UpstreamSpec parse(Config cfg, String name, JsonNode node, long timeout, long connect) {
    String at = "upstreams." + name;
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      throw new ConfigException(at, "an upstream name is letters, digits, '_', '.' and '-'");
    }
    if (!node.isObject()) {
      throw new ConfigException(at, "expected a mapping with type, base_url, api_key, ...");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new ConfigException(at + "." + k, "unknown key; known: " + String.join(", ", KEYS.stream().sorted().toList()));
      }
    }
    Type type = Type.of(at + ".type", cfg.requireString(at + ".type").toLowerCase(Locale.ROOT));
    long t = node.has("timeout_seconds") ? cfg.integer(at + ".timeout_seconds", 1, 3600) * 1000L : timeout;
    long c = node.has("connect_timeout_seconds") ? cfg.integer(at + ".connect_timeout_seconds", 1, 600) * 1000L
        : connect;
    String ownedBy = cfg.string(at + ".owned_by");
    return switch (type) {
      case OPENAI -> new UpstreamSpec(name, type, cfg.url(at + ".base_url"), cfg.string(at + ".api_key"), t, c,
          openAiPaths(cfg, at), endpoints(cfg, at, node), ownedBy, "", 0);
      case CODEX -> new UpstreamSpec(name, type, node.has("base_url") ? cfg.url(at + ".base_url")
          : cfg.url("upstream.codex_base_url"), "", t, c, Map.of(), CODEX_ENDPOINTS, ownedBy, "", 0);
      case ANTHROPIC -> {
        String version = node.has("version") ? cfg.string(at + ".version") : "2023-06-01";
        if (!ANTHROPIC_VERSIONS.contains(version)) {
          throw new ConfigException(at + ".version", "must be one of " + String.join(", ", ANTHROPIC_VERSIONS.stream()
              .sorted().toList()) + ", got '" + version + "'");
        }
        int maxTokens = node.has("default_max_tokens") ? cfg.integer(at + ".default_max_tokens", 1, 1_000_000) : 8192;
        yield new UpstreamSpec(name, type, node.has("base_url") ? cfg.url(at + ".base_url") : "https://api.anthropic.com",
            cfg.string(at + ".api_key"), t, c, Map.of(), ANTHROPIC_ENDPOINTS, ownedBy.isEmpty() ? "anthropic" : ownedBy,
            version, maxTokens);
      }
      case GEMINI -> new UpstreamSpec(name, type, node.has("base_url") ? cfg.url(at + ".base_url")
          : "https://generativelanguage.googleapis.com", cfg.string(at + ".api_key"), t, c, Map.of(), GEMINI_ENDPOINTS,
          ownedBy.isEmpty() ? "google" : ownedBy, "", 0);
    };
  }

  private static Map<String, String> openAiPaths(Config cfg, String at) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String k : List.of("models", "chat_completions", "responses")) {
      String v = cfg.string(at + "." + k + "_path");
      p.put(k, v.isEmpty() ? cfg.requireString("upstream." + k + "_path") : v);
    }
    return Map.copyOf(p);
  }

  /** {@code endpoints: [chat/completions, embeddings]}: what an OpenAI-compatible API serves; all by default. */
  private static Set<Endpoint> endpoints(Config cfg, String at, JsonNode node) {
    if (!node.has("endpoints")) {
      return EnumSet.copyOf(Endpoint.openAi());
    }
    Set<Endpoint> out = EnumSet.of(Endpoint.MODELS);
    List<String> listed = cfg.stringList(at + ".endpoints");
    for (int i = 0; i < listed.size(); i++) {
      String v = listed.get(i);
      Endpoint found = null;
      for (Endpoint e : Endpoint.openAi()) {
        if (e.path().equals(v) || e.name().toLowerCase(Locale.ROOT).equals(v)) {
          found = e;
        }
      }
      if (found == null) {
        throw new ConfigException(at + ".endpoints[" + i + "]", "unknown endpoint '" + v
            + "'; known: chat/completions, completions, responses, embeddings, images/generations, models");
      }
      out.add(found);
    }
    return out;
  }
}
