package dev.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Endpoint;
import dev.sluice.provider.AttemptLog;
import dev.sluice.usage.TokenUsage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label values bounded by the configuration, and recording that allocates nothing per request. */
class GatewayMetricsTest {
  static final Map<String, String> ROUTES = Map.of("gpt-4o", "gpt-4o", "fast", "fast");

  GatewayMetrics metrics() {
    return new GatewayMetrics(List.of("a", "b"), List.of("gpt-4o", "fast", "*"), List.of("free"), ROUTES::get);
  }

  static RequestRecord record(String model, int status, String code) {
    AttemptLog attempts = new AttemptLog();
    attempts.failed("a", model, "upstream_error");
    attempts.served("b", model);
    return new RequestRecord(0, "req_1", Endpoint.CHAT_COMPLETIONS, "k1", "laptop", "free", model, attempts, null,
        status, code, 12, 5, false, new TokenUsage(10, 5, 2, 1));
  }

  @Test
  void clientModelsAndUnknownCodesNeverBecomeLabels() {
    GatewayMetrics m = metrics();
    for (int i = 0; i < 50; i++) {
      m.finished(record("made-up-" + i, 400, "some_code_" + i));
    }
    m.finished(record("gpt-4o", 502, "upstream_503"));
    String text = m.scrape();
    assertThat(text).doesNotContain("made-up").doesNotContain("some_code");
    assertThat(text).contains("route=\"unrouted\"").contains("code=\"other\"").contains("code=\"upstream_5xx\"");
    long series = text.lines().filter(l -> l.startsWith("sluice_requests_total{")).count();
    assertThat(series).isEqualTo(2);
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
    GatewayMetrics m = metrics().inFlight(() -> 0).usageQueue(() -> 0).accounts(List::of);
    m.finished(record("gpt-4o", 200, null));
    m.finished(record("fast", 429, "rate_limit_exceeded"));
    String text = m.scrape();
    String dashboard = Files.readString(Path.of("docs/grafana-sluice.json"));
    Matcher names = Pattern.compile("\\b(sluice_[a-z_]+|jvm_[a-z_]+)").matcher(dashboard);
    Set<String> queried = new TreeSet<>();
    while (names.find()) {
      queried.add(names.group(1));
    }
    assertThat(queried).hasSizeGreaterThan(8);
    for (String name : queried) {
      assertThat(text.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " ")))
          .as("the dashboard's %s is exported", name).isTrue();
    }
  }

  @Test
  void recordingARequestAllocatesNothingOnceItsMetersExist() {
    GatewayMetrics m = metrics();
    RequestRecord ok = record("gpt-4o", 200, null);
    RequestRecord limited = record("fast", 429, "rate_limit_exceeded");
    for (int i = 0; i < 20_000; i++) {
      m.finished(ok);
      m.finished(limited);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(id);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      m.finished(ok);
      m.finished(limited);
    }
    long perRequest = (threads.getThreadAllocatedBytes(id) - before) / (2L * n);
    assertThat(perRequest).as("bytes allocated per recorded request (a Tags object alone is 16+)").isLessThan(1);
  }
}
