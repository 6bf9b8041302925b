package dev.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Endpoint;
import dev.sluice.provider.AttemptLog;
import dev.sluice.usage.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Label values bounded by the configuration. (Recording allocates nothing per request: {@code ObservedTest},
 * on the meters as the gateway builds them.)
 */
class GatewayMetricsTest {
  GatewayMetrics metrics() {
    return new GatewayMetrics(List.of("a", "b"), List.of("gpt-4o", "fast", "*"), List.of("free"));
  }

  /** A request for {@code model} that the relay resolved to {@code route} (null: no route matched). */
  static RequestRecord record(String model, String route, int status, String code) {
    AttemptLog attempts = new AttemptLog();
    attempts.failed("a", model, "upstream_error");
    attempts.served("b", model);
    return new RequestRecord(0, "req_1", Endpoint.CHAT_COMPLETIONS, "k1", "laptop", "free", model, route, attempts,
        null, status, code, 12, 5, false, new TokenUsage(10, 5, 2, 1));
  }

  @Test
  void clientModelsAndUnknownCodesNeverBecomeLabels() {
    GatewayMetrics m = metrics();
    for (int i = 0; i < 50; i++) {
      m.finished(record("made-up-" + i, null, 400, "some_code_" + i));
    }
    m.finished(record("gpt-4o", "gpt-4o", 502, "upstream_503"));
    String text = m.scrape();
    assertThat(text).doesNotContain("made-up").doesNotContain("some_code");
    assertThat(text).contains("route=\"unrouted\"").contains("code=\"other\"").contains("code=\"upstream_5xx\"");
    long series = text.lines().filter(l -> l.startsWith("sluice_requests_total{")).count();
    assertThat(series).isEqualTo(2);
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
    GatewayMetrics m = metrics().inFlight(() -> 0).usageQueue(() -> 0).accounts(List::of);
    m.finished(record("gpt-4o", "gpt-4o", 200, null));
    m.finished(record("fast", "fast", 429, "rate_limit_exceeded"));
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
}
