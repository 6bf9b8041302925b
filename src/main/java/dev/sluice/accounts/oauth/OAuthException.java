package dev.sluice.accounts.oauth;

import java.util.Set;

/**
 * The issuer refused a request or could not be reached. The message carries the HTTP status and the
 * issuer's error code only, never a token or the raw answer.
 *
 * @see #requiresSignIn()
 */
public final class OAuthException extends RuntimeException {
  /** Error codes that mean the refresh token is dead and the user has to sign in again. */
  public static final Set<String> SIGN_IN_AGAIN = Set.of("refresh_token_expired", "refresh_token_reused",
      "refresh_token_invalidated", "invalid_grant", "token_expired", "token_invalidated",
      "account_deactivated");

  private final int status;
  private final String errorCode;

  public OAuthException(int status, String errorCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  public OAuthException(String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = 0;
    this.errorCode = null;
  }

  /** HTTP status of the issuer's answer; 0 when there was none (network failure). */
  public int status() {
    return status;
  }

  /** The issuer's error code ({@code invalid_grant}, {@code refresh_token_reused}, ...), or null. */
  public String errorCode() {
    return errorCode;
  }

  public boolean requiresSignIn() {
    return errorCode != null && SIGN_IN_AGAIN.contains(errorCode);
  }
}
