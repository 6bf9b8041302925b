package dev.sluice.accounts;

import java.time.Instant;

/**
 * What {@code sluice auth status} and the admin view show about an account; holds no token.
 *
 * @param primary last known primary (short) window, or null
 * @param secondary last known secondary (weekly) window, or null
 * @param limitsObservedAt when the limits were last reported, or null
 * @param cooldownUntil set while the account is out after {@code usage_limit_reached}
 * @param backoffUntil set while the account is backed off after repeated failures
 */
public record AccountStatus(String id, String email, String plan, AccountState state, String stateReason,
                            Instant accessTokenExpiresAt, Instant lastRefresh,
                            RateWindow primary, RateWindow secondary, Instant limitsObservedAt,
                            Instant cooldownUntil, Instant backoffUntil, int consecutiveFailures) {
}
