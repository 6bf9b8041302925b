package dev.sluice.accounts;

/** Whether an account can be used. */
public enum AccountState {
  /** Signed in; tokens are refreshed as needed. */
  ACTIVE,
  /** The issuer said the refresh token is dead (expired, reused, revoked...): run {@code sluice auth login}. */
  NEEDS_SIGN_IN
}
