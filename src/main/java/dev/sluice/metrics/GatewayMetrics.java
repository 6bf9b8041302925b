package dev.sluice.metrics;

import dev.sluice.accounts.AccountState;
import dev.sluice.accounts.AccountStatus;
import dev.sluice.api.Endpoint;
import dev.sluice.provider.AttemptLog;
import dev.sluice.usage.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus meters (Micrometer), fed one {@link RequestRecord} per request. Every label
 * value comes from the configuration (upstream, route and plan names) or a closed list (endpoints,
 * status classes, error codes), so the series are bounded; recording looks meters up by index in
 * {@link MeterGrid}s and allocates no tags.
 *
 * <pre>
 * sluice_requests_total{endpoint,dialect,upstream,route,status_class,code}   endpoint "other", dialect "none":
 *                                                                      answered before any endpoint took it
 * sluice_request_duration_seconds{endpoint,dialect,upstream,route}     histogram
 * sluice_request_ttfb_seconds{endpoint,dialect,upstream,route}         histogram (first body byte; a stream's first event)
 * sluice_tokens_total{upstream,route,kind}                             kind: prompt, completion, cached, reasoning
 * sluice_upstream_attempts_total{upstream,outcome}                     outcome: ok or the attempt's error code
 * sluice_upstream_fallbacks_total{route}                               attempts after a route's first
 * sluice_ratelimit_rejections_total{plan}
 * sluice_requests_in_flight, sluice_usage_queue_depth, sluice_accounts{state}
 * </pre>
 */
public final class GatewayMetrics implements RequestObserver {
  /**
   * Error codes that are labels of their own: every code the gateway itself gives an {@code ApiError}
   * (GatewayMetricsTest checks the sources for new ones), {@code upstream_4xx}/{@code upstream_5xx} for
   * relayed statuses, and the Codex backend's {@code account_deactivated}. Any other code (an upstream's
   * own: Anthropic's error types, the Codex backend's codes) is {@code other}; none is {@code none}.
   */
  static final List<String> CODES = List.of("invalid_request", "invalid_api_key", "model_not_allowed",
      "model_not_found", "not_found", "unsupported_endpoint", "request_too_large", "request_timeout",
      "method_not_allowed", "rate_limit_exceeded", "rate_limit_store_unavailable", "plan_not_configured",
      "usage_limit_reached", "upstream_error", "upstream_unavailable", "upstream_timeout", "upstream_auth_failed",
      "upstream_overloaded", "overloaded_error", "upstream_4xx", "upstream_5xx", "no_upstream", "no_accounts", "account_deactivated",
      "oauth_unavailable", "client_closed", "shutting_down", "internal_error", "csrf_failed", "headers_too_large",
      "uri_too_long", "invalid_http_request", "http_version_not_supported", "none");
  static final String UNLIMITED = "unlimited";
  static final String[] KINDS = {"prompt", "completion", "cached", "reasoning"};
  static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};
  /** Account states as labels: the stored state, or why an active account is out for now. */
  static final List<String> ACCOUNT_STATES = List.of("active", "cooling_down", "backed_off", "needs_sign_in");

  private static final Endpoint[] ENDPOINTS = Endpoint.values();
  /** The endpoint slot of requests no endpoint took (unknown URLs, unsupported endpoints): label {@code other}. */
  private static final int OTHER_ENDPOINT = ENDPOINTS.length;
  private static final int ENDPOINT_SLOTS = ENDPOINTS.length + 1;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Labels upstreams;
  private final Labels routes;
  /** Configured plans, {@code unlimited} for keys without one, {@code unconfigured} for a plan removed since. */
  private final Labels plans;
  private final int unlimited;
  private final Labels codes = new Labels(CODES, "other");
  private final int noCode = codes.of("none");
  private final int upstream4xx = codes.of("upstream_4xx");
  private final int upstream5xx = codes.of("upstream_5xx");
  private final int ok = codes.size();

  private final MeterGrid<Counter> requests;
  private final MeterGrid<Timer> latency;
  private final MeterGrid<Timer> ttfb;
  private final MeterGrid<Counter> tokens;
  private final MeterGrid<Counter> attempts;
  private final MeterGrid<Counter> fallbacks;
  private final MeterGrid<Counter> rejections;

  /**
   * @param upstreamNames the configured upstreams
   * @param routeNames the configured routes
   * @param planNames the configured plans
   */
  public GatewayMetrics(List<String> upstreamNames, List<String> routeNames, List<String> planNames) {
    this.upstreams = new Labels(upstreamNames, "none");
    this.routes = new Labels(routeNames, "unrouted");
    List<String> planLabels = new ArrayList<>(planNames);
    planLabels.add(UNLIMITED);
    this.plans = new Labels(planLabels, "unconfigured");
    this.unlimited = plans.of(UNLIMITED);
    int r = routes.size();
    int u = upstreams.size();
    int c = codes.size();
    requests = new MeterGrid<>(ENDPOINT_SLOTS * r, u * STATUS_CLASSES.length * c, (outer, inner) ->
        Counter.builder("sluice.requests").description("Requests answered by the relay")
            .tag("endpoint", endpoint(outer / r))
            .tag("dialect", dialect(outer / r))
            .tag("route", routes.value(outer % r))
            .tag("upstream", upstreams.value(inner / (STATUS_CLASSES.length * c)))
            .tag("status_class", STATUS_CLASSES[inner / c % STATUS_CLASSES.length])
            .tag("code", codes.value(inner % c))
            .register(registry));
    latency = new MeterGrid<>(ENDPOINT_SLOTS * r, u, (outer, inner) -> timer("sluice.request.duration",
        "Time from the request's arrival to its end", outer, inner));
    ttfb = new MeterGrid<>(ENDPOINT_SLOTS * r, u, (outer, inner) -> timer("sluice.request.ttfb",
        "Time from the request's arrival to the first byte of its body (a stream's first event)", outer, inner));
    tokens = new MeterGrid<>(r, u * KINDS.length, (outer, inner) ->
        Counter.builder("sluice.tokens").description("Tokens by kind, as the upstream reported them")
            .tag("route", routes.value(outer))
            .tag("upstream", upstreams.value(inner / KINDS.length))
            .tag("kind", KINDS[inner % KINDS.length])
            .register(registry));
    attempts = new MeterGrid<>(u, c + 1, (outer, inner) ->
        Counter.builder("sluice.upstream.attempts").description("Upstream attempts by outcome")
            .tag("upstream", upstreams.value(outer))
            .tag("outcome", inner == ok ? "ok" : codes.value(inner))
            .register(registry));
    fallbacks = new MeterGrid<>(1, r, (outer, inner) ->
        Counter.builder("sluice.upstream.fallbacks").description("Attempts on a route's next target after one failed")
            .tag("route", routes.value(inner))
            .register(registry));
    rejections = new MeterGrid<>(1, plans.size(), (outer, inner) ->
        Counter.builder("sluice.ratelimit.rejections").description("Requests refused 429 rate_limit_exceeded")
            .tag("plan", plans.value(inner))
            .register(registry));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private Timer timer(String name, String description, int outer, int inner) {
    int r = routes.size();
    return Timer.builder(name).description(description)
        .tag("endpoint", endpoint(outer / r))
        .tag("dialect", dialect(outer / r))
        .tag("route", routes.value(outer % r))
        .tag("upstream", upstreams.value(inner))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private static String endpoint(int slot) {
    return slot == OTHER_ENDPOINT ? "other" : ENDPOINTS[slot].path();
  }

  private static String dialect(int slot) {
    return slot == OTHER_ENDPOINT ? "none" : ENDPOINTS[slot].dialect().name().toLowerCase(Locale.ROOT);
  }

  /** Requests between arrival and their usage record (the relay's count). */
  public GatewayMetrics inFlight(IntSupplier count) {
    Gauge.builder("sluice.requests.in_flight", count, IntSupplier::getAsInt)
        .description("Requests between arrival and their usage record").strongReference(true).register(registry);
    return this;
  }

  /** Usage records waiting to be written. */
  public GatewayMetrics usageQueue(IntSupplier depth) {
    Gauge.builder("sluice.usage.queue.depth", depth, IntSupplier::getAsInt)
        .description("Usage records waiting to be written").strongReference(true).register(registry);
    return this;
  }

  /** ChatGPT accounts by state, read when scraped. */
  public GatewayMetrics accounts(Supplier<List<AccountStatus>> status) {
    for (String state : ACCOUNT_STATES) {
      Gauge.builder("sluice.accounts", status, s -> count(s.get(), state))
          .description("ChatGPT accounts by state").tag("state", state).strongReference(true)
          .register(registry);
    }
    return this;
  }

  /** The state label of an account: needs_sign_in, cooling_down (usage limit), backed_off (failures), active. */
  static String stateOf(AccountStatus a) {
    if (a.state() == AccountState.NEEDS_SIGN_IN) {
      return "needs_sign_in";
    }
    if (a.cooldownUntil() != null) {
      return "cooling_down";
    }
    return a.backoffUntil() != null ? "backed_off" : "active";
  }

  private static double count(List<AccountStatus> all, String state) {
    int n = 0;
    for (AccountStatus a : all) {
      if (stateOf(a).equals(state)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void finished(RequestRecord rec) {
    int endpoint = rec.endpoint() == null ? OTHER_ENDPOINT : rec.endpoint().ordinal();
    // the route the relay resolved: a name lookup, never a second resolution (a glob's matcher per request)
    int route = routes.of(rec.route());
    int upstream = upstreams.of(rec.upstream());
    int status = Math.clamp(rec.status() / 100, 1, 5) - 1;
    int code = code(rec.errorCode());
    int r = routes.size();
    int c = codes.size();
    int outer = endpoint * r + route;
    requests.get(outer, (upstream * STATUS_CLASSES.length + status) * c + code).increment();
    latency.get(outer, upstream).record(rec.latencyMillis(), TimeUnit.MILLISECONDS);
    if (rec.ttfbMillis() >= 0) {
      ttfb.get(outer, upstream).record(rec.ttfbMillis(), TimeUnit.MILLISECONDS);
    }
    TokenUsage u = rec.usage();
    if (u != null) {
      add(route, upstream, 0, u.promptTokens());
      add(route, upstream, 1, u.completionTokens());
      add(route, upstream, 2, u.cachedTokens());
      add(route, upstream, 3, u.reasoningTokens());
    }
    AttemptLog log = rec.attempts();
    int n = log == null ? 0 : log.count();
    for (int i = 0; i < n; i++) {
      AttemptLog.Attempt a = log.attempt(i);
      String outcome = a.outcome();
      attempts.get(upstreams.of(a.upstream()), "ok".equals(outcome) ? ok : code(outcome)).increment();
    }
    if (n > 1) {
      fallbacks.get(0, route).increment(n - 1);
    }
    if (rec.status() == 429 && "rate_limit_exceeded".equals(rec.errorCode())) {
      rejections.get(0, plan(rec.plan())).increment();
    }
  }

  /** The label index of a key's plan (case-insensitive, as plans are looked up). */
  private int plan(String name) {
    if (name == null || name.isBlank()) {
      return unlimited;
    }
    int i = plans.of(name);
    return i != plans.fallback() ? i : plans.of(name.trim().toLowerCase(Locale.ROOT));
  }

  private void add(int route, int upstream, int kind, long n) {
    if (n > 0) {
      tokens.get(route, upstream * KINDS.length + kind).increment(n);
    }
  }

  /** The label index of an error code: {@code upstream_<status>} by class, unknown ones {@code other}. */
  private int code(String errorCode) {
    if (errorCode == null) {
      return noCode;
    }
    if (errorCode.length() == 12 && errorCode.startsWith("upstream_")) {
      char first = errorCode.charAt(9);
      if (first == '4' && digits(errorCode)) {
        return upstream4xx;
      }
      if (first == '5' && digits(errorCode)) {
        return upstream5xx;
      }
    }
    return codes.of(errorCode);
  }

  private static boolean digits(String s) {
    return Character.isDigit(s.charAt(10)) && Character.isDigit(s.charAt(11));
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** The content type of {@link #scrape}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }
}
