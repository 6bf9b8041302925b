package dev.sluice.accounts.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sluice.json.Json;
import java.time.Instant;
import java.util.Base64;

/**
 * The claims Sluice reads from an id or access token (JWT payload, signature not verified: the
 * token came straight from the issuer over TLS).
 *
 * @param accountId {@code https://api.openai.com/auth}.chatgpt_account_id, or null
 * @param planType {@code https://api.openai.com/auth}.chatgpt_plan_type, or null
 * @param email {@code email} (or {@code https://api.openai.com/profile}.email), or null
 * @param expiresAt {@code exp}, or null
 */
public record JwtClaims(String accountId, String planType, String email, Instant expiresAt) {
  public static final String AUTH_CLAIM = "https://api.openai.com/auth";
  public static final String PROFILE_CLAIM = "https://api.openai.com/profile";
  private static final JwtClaims EMPTY = new JwtClaims(null, null, null, null);

  /** Parses a JWT's payload; a token that is not a JWT gives empty claims. */
  public static JwtClaims parse(String jwt) {
    JsonNode payload = payload(jwt);
    if (payload.isMissingNode()) {
      return EMPTY;
    }
    JsonNode auth = payload.path(AUTH_CLAIM);
    String email = text(payload.path("email"));
    if (email == null) {
      email = text(payload.path(PROFILE_CLAIM).path("email"));
    }
    Instant exp = payload.path("exp").canConvertToLong() ? Instant.ofEpochSecond(payload.path("exp").asLong()) : null;
    return new JwtClaims(text(auth.path("chatgpt_account_id")), text(auth.path("chatgpt_plan_type")), email, exp);
  }

  /** The decoded payload object, or a missing node. */
  public static JsonNode payload(String jwt) {
    if (jwt == null) {
      return MissingNode.getInstance();
    }
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode n = Json.parse(Base64.getUrlDecoder().decode(pad(parts[1])));
      return n != null && n.isObject() ? n : MissingNode.getInstance();
    } catch (Exception e) {
      return MissingNode.getInstance();
    }
  }

  /** Fills fields missing here from {@code other}. */
  public JwtClaims or(JwtClaims other) {
    return new JwtClaims(accountId != null ? accountId : other.accountId,
        planType != null ? planType : other.planType,
        email != null ? email : other.email,
        expiresAt != null ? expiresAt : other.expiresAt);
  }

  private static String pad(String s) {
    String t = s.replace('+', '-').replace('/', '_');
    return switch (t.length() % 4) {
      case 2 -> t + "==";
      case 3 -> t + "=";
      default -> t;
    };
  }

  private static String text(JsonNode n) {
    return n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
  }
}
