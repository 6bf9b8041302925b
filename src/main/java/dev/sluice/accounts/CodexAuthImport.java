package dev.sluice.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Reads the Codex CLI's credential file ({@code ~/.codex/auth.json}, or {@code $CODEX_HOME/auth.json}). */
public final class CodexAuthImport {
  private CodexAuthImport() {
  }

  public static Path defaultPath(Map<String, String> env) {
    String home = env.get("CODEX_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home, "auth.json");
    }
    return Path.of(System.getProperty("user.home"), ".codex", "auth.json");
  }

  /**
   * The account held by the file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it holds no ChatGPT sign-in (the message says why, without secrets)
   */
  public static Account read(Path file, Instant now) throws IOException {
    JsonNode root;
    try {
      root = Json.parse(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON");
    }
    JsonNode t = root.path("tokens");
    String access = text(t.path("access_token"));
    String refresh = text(t.path("refresh_token"));
    if (access == null || refresh == null) {
      boolean apiKey = text(root.path("OPENAI_API_KEY")) != null;
      throw new IllegalArgumentException(file + (apiKey
          ? " holds an API key, not a ChatGPT sign-in; run codex login (ChatGPT) first or use sluice auth login"
          : " holds no ChatGPT tokens (tokens.access_token and tokens.refresh_token)"));
    }
    String idToken = text(t.path("id_token"));
    if (idToken == null && t.path("id_token").isObject()) {
      idToken = text(t.path("id_token").path("raw_jwt"));
    }
    Instant lastRefresh = null;
    String lr = text(root.path("last_refresh"));
    if (lr != null) {
      try {
        lastRefresh = OffsetDateTime.parse(lr).toInstant();
      } catch (DateTimeParseException e) {
        lastRefresh = null;
      }
    }
    Tokens tokens = new Tokens(idToken, access, refresh,
        dev.sluice.accounts.oauth.JwtClaims.parse(access).expiresAt(), lastRefresh);
    return Account.fromTokens(tokens, text(t.path("account_id")), now);
  }

  private static String text(JsonNode n) {
    return n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
  }
}
