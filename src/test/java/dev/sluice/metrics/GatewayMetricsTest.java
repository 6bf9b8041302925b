package dev.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Endpoint;
import dev.sluice.provider.AttemptLog;
import dev.sluice.usage.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.stream.Stream;
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
    return new RequestRecord(0, "req_1", Endpoint.CHAT_COMPLETIONS, "/v1/chat/completions", "k1", "laptop", "free", model, route, attempts,
        null, status, code, 12, 5, false, new TokenUsage(10, 5, 2, 1), null);
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

  @Test
  void rejectionsAreLabelledWithTheKeysPlanUnlimitedOrUnconfigured() {
    GatewayMetrics m = metrics();
    for (String plan : new String[] {"free", "FREE", null, "removed-since"}) {
      AttemptLog none = new AttemptLog();
      m.finished(new RequestRecord(0, "req_1", Endpoint.CHAT_COMPLETIONS, "/v1/chat/completions", "k1", "laptop", plan,
          "gpt-4o", "gpt-4o", none, null, 429, "rate_limit_exceeded", 1, 1, false, TokenUsage.NONE, null));
    }
    String text = m.scrape();
    assertThat(text).contains("sluice_ratelimit_rejections_total{plan=\"free\"} 2.0")
        .contains("sluice_ratelimit_rejections_total{plan=\"unlimited\"} 1.0")
        .contains("sluice_ratelimit_rejections_total{plan=\"unconfigured\"} 1.0")
        .doesNotContain("removed-since");
  }

  @Test
  void everyErrorCodeTheGatewayGivesIsALabelOfItsOwn() throws Exception {
    Set<String> given = errorCodesInTheSources(Path.of("src/main/java"));
    assertThat(given).as("the scan finds the codes").hasSizeGreaterThan(20)
        .contains("plan_not_configured", "rate_limit_store_unavailable", "rate_limit_exceeded", "request_too_large");
    assertThat(GatewayMetrics.CODES).containsAll(given);
    GatewayMetrics m = metrics();
    m.finished(record("gpt-4o", "gpt-4o", 500, "plan_not_configured"));
    assertThat(m.scrape()).contains("code=\"plan_not_configured\"");
  }

  static final Pattern ERROR = Pattern.compile("(?:ApiError\\.of|new ApiError)\\(");
  /** Inside ApiError itself, its factories call {@code of(...)} unqualified. */
  static final Pattern OWN_ERROR = Pattern.compile("(?<![.\\w])of\\(");
  static final Pattern LITERAL = Pattern.compile("\"([a-z][a-z0-9_]*)\"");
  static final Pattern CONSTANT = Pattern.compile("static final String ([A-Z_]+) = \"([a-z][a-z0-9_]*)\";");

  /**
   * The code of every {@code ApiError.of(...)} and {@code new ApiError(...)} in the sources (and of the
   * factories in ApiError): its last argument when that is a string literal or a string constant of the
   * same file.
   */
  static Set<String> errorCodesInTheSources(Path root) throws Exception {
    Set<String> codes = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String src = Files.readString(f);
        Map<String, String> constants = new HashMap<>();
        Matcher c = CONSTANT.matcher(src);
        while (c.find()) {
          constants.put(c.group(1), c.group(2));
        }
        Matcher call = (f.endsWith("error/ApiError.java") ? OWN_ERROR : ERROR).matcher(src);
        while (call.find()) {
          String last = lastArgument(src, call.end()).trim();
          Matcher lit = LITERAL.matcher(last);
          if (lit.matches()) {
            codes.add(lit.group(1));
          } else if (constants.containsKey(last)) {
            codes.add(constants.get(last));
          }
        }
      }
    }
    return codes;
  }

  /** The text of the last argument of the call whose arguments start at {@code from}. */
  private static String lastArgument(String src, int from) {
    int depth = 0;
    int start = from;
    for (int i = from; i < src.length(); i++) {
      char ch = src.charAt(i);
      if (ch == '"') {
        for (i++; src.charAt(i) != '"'; i++) {
          if (src.charAt(i) == '\\') {
            i++;
          }
        }
      } else if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        if (depth-- == 0) {
          return src.substring(start, i);
        }
      } else if (ch == ',' && depth == 0) {
        start = i + 1;
      }
    }
    return "";
  }
}
