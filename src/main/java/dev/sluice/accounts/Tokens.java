package dev.sluice.accounts;

import dev.sluice.accounts.oauth.JwtClaims;
import dev.sluice.accounts.oauth.TokenResponse;
import java.time.Instant;

/**
 * An account's OAuth tokens. {@link #toString()} never shows them.
 *
 * @param idToken may be null (imported files sometimes lack one)
 * @param accessExpiresAt from the access token's {@code exp} or the issuer's {@code expires_in}; null if unknown
 * @param lastRefresh when the tokens were last issued
 */
public record Tokens(String idToken, String accessToken, String refreshToken, Instant accessExpiresAt,
                     Instant lastRefresh) {

  /** Tokens from a fresh issuer answer. */
  public static Tokens issued(TokenResponse r, Instant now) {
    return new Tokens(r.idToken(), r.accessToken(), r.refreshToken(), expiry(r, now), now);
  }

  /** These tokens updated by a refresh answer; a refresh or id token the answer omits is kept. */
  public Tokens refreshedWith(TokenResponse r, Instant now) {
    return new Tokens(r.idToken() != null ? r.idToken() : idToken, r.accessToken(),
        r.refreshToken() != null ? r.refreshToken() : refreshToken, expiry(r, now), now);
  }

  private static Instant expiry(TokenResponse r, Instant now) {
    Instant exp = JwtClaims.parse(r.accessToken()).expiresAt();
    if (exp == null && r.expiresIn() != null && r.expiresIn() > 0) {
      exp = now.plusSeconds(r.expiresIn());
    }
    return exp;
  }

  /** The claims of the id token, completed from the access token. */
  public JwtClaims claims() {
    return JwtClaims.parse(idToken).or(JwtClaims.parse(accessToken));
  }

  @Override
  public String toString() {
    return "Tokens[redacted, accessExpiresAt=" + accessExpiresAt + ", lastRefresh=" + lastRefresh + "]";
  }
}
