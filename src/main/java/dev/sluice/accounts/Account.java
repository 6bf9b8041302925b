package dev.sluice.accounts;

import dev.sluice.accounts.oauth.JwtClaims;
import dev.sluice.accounts.oauth.TokenResponse;
import java.time.Instant;
import java.util.Objects;

/**
 * One ChatGPT account. Its {@link #toString()} is safe to log: {@link Tokens} redacts itself.
 *
 * @param id the {@code chatgpt_account_id} (sent upstream as {@code chatgpt-account-id})
 * @param email may be null
 * @param plan {@code chatgpt_plan_type} (plus, pro, team...), may be null
 * @param stateReason why the account is not {@link AccountState#ACTIVE} (an issuer error code), else null
 */
public record Account(String id, String email, String plan, AccountState state, String stateReason,
                      Tokens tokens, Instant addedAt, Instant updatedAt) {

  public Account {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(state, "state");
  }

  /**
   * A new account from a sign-in answer.
   *
   * @throws IllegalArgumentException when the tokens carry no ChatGPT account id
   */
  public static Account signedIn(TokenResponse r, Instant now) {
    Tokens t = Tokens.issued(r, now);
    return fromTokens(t, null, now);
  }

  /** A new account from tokens; {@code accountIdHint} is used when the tokens carry no account id. */
  public static Account fromTokens(Tokens t, String accountIdHint, Instant now) {
    JwtClaims c = t.claims();
    String id = c.accountId() != null ? c.accountId() : accountIdHint;
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("the tokens carry no ChatGPT account id (chatgpt_account_id)");
    }
    return new Account(id, c.email(), c.planType(), AccountState.ACTIVE, null, t, now, now);
  }

  public Account withTokens(Tokens t, Instant now) {
    JwtClaims c = t.claims();
    return new Account(id, c.email() != null ? c.email() : email, c.planType() != null ? c.planType() : plan,
        AccountState.ACTIVE, null, t, addedAt, now);
  }

  public Account needingSignIn(String reason, Instant now) {
    return new Account(id, email, plan, AccountState.NEEDS_SIGN_IN, reason, tokens, addedAt, now);
  }

  public boolean active() {
    return state == AccountState.ACTIVE;
  }
}
