package dev.sluice.ratelimit;

import dev.sluice.api.EndpointClass;
import dev.sluice.error.ApiError;
import dev.sluice.keys.Principal;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured plans as {@link Gcra} limits, looked up by a request's key and endpoint class; the
 * part every {@link RateLimiter} store shares.
 */
final class PlanLimits {
  static final long MINUTE_NANOS = 60_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(PlanLimits.class);

  /** One plan's buckets: requests per endpoint class, tokens shared by the token-metered classes. */
  record Limits(Plan plan, Map<EndpointClass, Gcra> requests, Gcra tokens) {
  }

  /** A key names a plan that is not configured: its requests are refused (500), its usage ignored. */
  static final class UnknownPlan extends RuntimeException {
    final String plan;

    UnknownPlan(String plan) {
      super(null, null, false, false);
      this.plan = plan;
    }

    ApiError error() {
      return ApiError.of(500, ApiError.API, "the API key's plan '" + plan + "' is not configured on this gateway",
          "plan_not_configured");
    }
  }

  private final Map<String, Limits> byName = new HashMap<>();
  private final Set<String> warnedPlans = ConcurrentHashMap.newKeySet();

  PlanLimits(Plans plans) {
    for (Plan p : plans.all()) {
      var requests = new EnumMap<EndpointClass, Gcra>(EndpointClass.class);
      p.requestsPerMinute().forEach((c, rpm) -> requests.put(c, new Gcra(rpm, MINUTE_NANOS)));
      byName.put(p.name().toLowerCase(Locale.ROOT), new Limits(p, requests, new Gcra(p.tokensPerMinute(), MINUTE_NANOS)));
    }
  }

  /**
   * The limits of the principal's plan for this class; empty when not limited (no plan, or a class
   * that is not rate limited).
   *
   * @throws UnknownPlan when the principal names a plan that is not configured
   */
  Optional<Limits> of(Principal principal, EndpointClass endpointClass) {
    if (principal == null || endpointClass == null || endpointClass == EndpointClass.NONE) {
      return Optional.empty();
    }
    String name = principal.plan();
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    Limits pl = byName.get(name.trim().toLowerCase(Locale.ROOT));
    if (pl == null) {
      if (warnedPlans.add(name)) {
        LOG.warn("API key {} names plan '{}', which is not configured; its requests are refused", principal.keyId(), name);
      }
      throw new UnknownPlan(name);
    }
    return Optional.of(pl);
  }

  /**
   * The limits whose token bucket a request's {@code tokens} are debited from: empty when there is
   * nothing to debit (no tokens, a class not metered by tokens, no plan, or a plan not configured).
   */
  Optional<Limits> tokenMetered(Principal principal, EndpointClass endpointClass, long tokens) {
    if (tokens <= 0 || !Plan.tokenMetered(endpointClass)) {
      return Optional.empty();
    }
    try {
      return of(principal, endpointClass);
    } catch (UnknownPlan e) {
      return Optional.empty();
    }
  }

  static String keyId(Principal principal) {
    return Objects.requireNonNullElse(principal.keyId(), "");
  }
}
