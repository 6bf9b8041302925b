package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.sluice.api.Endpoint;
import dev.sluice.config.Config;
import dev.sluice.metrics.GatewayMetrics;
import dev.sluice.metrics.RequestRecord;
import dev.sluice.provider.AttemptLog;
import dev.sluice.ratelimit.Plans;
import dev.sluice.route.Route;
import dev.sluice.route.Routing;
import dev.sluice.usage.TokenUsage;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meters as the gateway builds them from its configuration. */
class ObservedTest {
  static final String CONFIG = """
      upstreams:
        a: { type: openai, base_url: "http://127.0.0.1:9", api_key: "upstream-key" }
        b: { type: openai, base_url: "http://127.0.0.1:9", api_key: "upstream-key" }
      models:
        - { name: "gpt-4o", targets: [a, b] }
        - { name: "claude-*", targets: [b] }
      """;

  /** A finished request as the relay hands it over: the route it resolved for the model travels with it. */
  static RequestRecord record(Routing routing, String model, int status, String code) {
    Route route = routing.table().resolve(model);
    AttemptLog attempts = new AttemptLog();
    attempts.failed("a", model, "upstream_error");
    attempts.served("b", model);
    return new RequestRecord(0, "req_1", Endpoint.CHAT_COMPLETIONS, "/v1/chat/completions", "k1", "laptop", "free", model,
        route == null ? null : route.name(), attempts, null, status, code, 12, 5, false,
        new TokenUsage(10, 5, 2, 1), null);
  }

  @Test
  void recordingARequestAllocatesNothingOnceItsMetersExistEvenForAGlobRoute() {
    Config cfg = Config.fromYaml(CONFIG, Map.of());
    Routing routing = Routing.fromConfig(cfg);
    GatewayMetrics m = Observed.create(cfg, routing, Plans.fromConfig(cfg), () -> 0, null).metrics();
    RequestRecord glob = record(routing, "claude-sonnet-4", 200, null);
    RequestRecord limited = record(routing, "gpt-4o", 429, "rate_limit_exceeded");
    for (int i = 0; i < 20_000; i++) {
      m.finished(glob);
      m.finished(limited);
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(id);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      m.finished(glob);
      m.finished(limited);
    }
    long perRequest = (threads.getThreadAllocatedBytes(id) - before) / (2L * n);
    assertThat(perRequest).as("bytes allocated per recorded request (a Tags object alone is 16+, a glob's Matcher more)")
        .isLessThan(1);
    assertThat(m.scrape()).contains("route=\"claude-*\"").contains("route=\"gpt-4o\"");
  }
}
