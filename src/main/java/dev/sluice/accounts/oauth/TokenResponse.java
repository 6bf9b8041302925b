package dev.sluice.accounts.oauth;

/**
 * An issuer's token answer. Any field but {@code accessToken} may be null (a refresh may omit a new
 * refresh or id token). {@link #toString()} never shows a token.
 *
 * @param expiresIn seconds, or null when not given
 */
public record TokenResponse(String idToken, String accessToken, String refreshToken, Long expiresIn) {
  @Override
  public String toString() {
    return "TokenResponse[idToken=" + (idToken == null ? "absent" : "redacted")
        + ", accessToken=redacted, refreshToken=" + (refreshToken == null ? "absent" : "redacted")
        + ", expiresIn=" + expiresIn + "]";
  }
}
