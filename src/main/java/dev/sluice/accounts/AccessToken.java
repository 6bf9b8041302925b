package dev.sluice.accounts;

import java.time.Instant;

/**
 * A usable access token for one account: send {@code Authorization: Bearer value} and
 * {@code chatgpt-account-id: accountId}. {@link #toString()} hides the value.
 */
public record AccessToken(String accountId, String value, Instant expiresAt) {
  @Override
  public String toString() {
    return "AccessToken[accountId=" + accountId + ", value=redacted, expiresAt=" + expiresAt + "]";
  }
}
