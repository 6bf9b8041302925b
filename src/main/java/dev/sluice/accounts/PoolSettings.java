package dev.sluice.accounts;

import dev.sluice.config.Config;
import java.time.Duration;

/**
 * Account pool tuning (the {@code accounts:} section).
 *
 * @param backoffBase back-off after the second consecutive failure, doubled for each further one
 * @param backoffMax the back-off never exceeds this
 * @param defaultCooldown cooldown after {@code usage_limit_reached} when no reset time is known
 * @param stickyTtl how long a session stays bound to its account after its last request
 * @param stickyMaxSessions at most this many session bindings are remembered
 */
public record PoolSettings(Duration backoffBase, Duration backoffMax, Duration defaultCooldown,
                           Duration stickyTtl, int stickyMaxSessions) {

  public static PoolSettings defaults() {
    return new PoolSettings(Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(5),
        Duration.ofHours(1), 100_000);
  }

  public static PoolSettings fromConfig(Config cfg) {
    return new PoolSettings(
        Duration.ofSeconds(cfg.integer("accounts.failure_backoff_base_seconds", 1, 3600)),
        Duration.ofSeconds(cfg.integer("accounts.failure_backoff_max_seconds", 1, 86_400)),
        Duration.ofSeconds(cfg.integer("accounts.usage_limit_default_cooldown_seconds", 1, 604_800)),
        Duration.ofMinutes(cfg.integer("accounts.sticky_ttl_minutes", 1, 10_080)),
        cfg.integer("accounts.sticky_max_sessions", 1, 10_000_000));
  }
}
