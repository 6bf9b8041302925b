package dev.sluice.accounts;

import dev.sluice.error.ApiError;

/**
 * No access token could be had for an account. The message never holds a token.
 * {@link Kind#SIGN_IN_REQUIRED} and {@link Kind#UNKNOWN_ACCOUNT} are final for that account (the pool
 * will no longer pick it); {@link Kind#TRANSIENT} (issuer unreachable, 5xx) should be reported with
 * {@link AccountPool#onFailure(String)} before trying another account.
 */
public final class TokenException extends RuntimeException {
  /** Why no token was had. */
  public enum Kind { UNKNOWN_ACCOUNT, SIGN_IN_REQUIRED, TRANSIENT }

  private final String accountId;
  private final Kind kind;
  private final String reason;

  public TokenException(String accountId, Kind kind, String reason, Throwable cause) {
    super(message(accountId, kind, reason), cause, false, false);
    this.accountId = accountId;
    this.kind = kind;
    this.reason = reason;
  }

  private static String message(String accountId, Kind kind, String reason) {
    return switch (kind) {
      case UNKNOWN_ACCOUNT -> "account " + accountId + " is not signed in";
      case SIGN_IN_REQUIRED -> "account " + accountId + " must sign in again (" + reason + "): run sluice auth login";
      case TRANSIENT -> "token refresh for account " + accountId + " failed: " + reason;
    };
  }

  public String accountId() {
    return accountId;
  }

  public Kind kind() {
    return kind;
  }

  /** The issuer's error code or a short description. */
  public String reason() {
    return reason;
  }

  /** What a caller with no other account to try answers: 503 {@code oauth_unavailable}. */
  public ApiError apiError() {
    return ApiError.oauthUnavailable();
  }
}
