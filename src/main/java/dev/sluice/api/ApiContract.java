package dev.sluice.api;

import java.util.List;

/**
 * Which published contract a request's base path speaks. Where the seed documents disagree (error
 * types, the meaning of {@code X-RateLimit-Reset-Requests}, image parameters), each is served on its
 * own base path; the route that received a request decides, once, and everything that renders for the
 * client (errors, rate-limit headers, validation) asks this value instead of looking at the path.
 */
public enum ApiContract {
  /**
   * OpenAI's API as codex-gateway (seed 000) and the gateway of seed 001 describe it: OpenAI's error
   * types, {@code x-ratelimit-reset-requests} as a duration, request validation pinned to openai-python.
   */
  OPENAI(List.of("/v1")),
  /**
   * The multi-provider platform of seed 003: its error type table, {@code X-RateLimit-Reset-Requests}
   * as UTC epoch seconds, its image-generation parameter rules. {@code /api/v1beta} (the Gemini-shaped
   * surface) speaks it too.
   */
  PLATFORM(List.of("/api/v1", "/api/v1beta"));

  private final List<String> basePaths;

  ApiContract(List<String> basePaths) {
    this.basePaths = basePaths;
  }

  /** The base paths (no trailing slash) whose requests this contract governs. */
  public List<String> basePaths() {
    return basePaths;
  }

  private static final ApiContract[] ALL = values();

  /**
   * The contract whose base path {@code path} is under (the base itself or below it, as a route
   * {@code base/*} matches), the last listed winning; null outside every base path.
   */
  public static ApiContract ofPath(String path) {
    if (path == null) {
      return null;
    }
    ApiContract found = null;
    for (ApiContract contract : ALL) {
      for (String base : contract.basePaths) {
        if (path.startsWith(base) && (path.length() == base.length() || path.charAt(base.length()) == '/')) {
          found = contract;
        }
      }
    }
    return found;
  }
}
