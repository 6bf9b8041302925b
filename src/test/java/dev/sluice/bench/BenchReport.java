package dev.sluice.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the raw results of one bench/run.sh run (a directory of properties files and wrk outputs)
 * into the markdown table of docs/performance.md, with the machine, the date and each target's
 * verdict. Usage: {@code BenchReport <results dir> <markdown out>}.
 */
public final class BenchReport {
  private final Path dir;
  private final List<String[]> rows = new ArrayList<>();
  /**
   * A direct baseline slower than this many times a target's allowance (10 ms for +1 ms) at the judged
   * percentile leaves the target unjudgeable.
   */
  private static final double UNJUDGED_BASELINE_FACTOR = 10.0;
  private final List<String> missed = new ArrayList<>();
  private final List<String> unjudged = new ArrayList<>();

  private BenchReport(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws IOException {
    BenchReport r = new BenchReport(Path.of(args[0]));
    String md = r.render();
    Files.writeString(Path.of(args[1]), md);
    System.out.print(md);
  }

  private Properties props(String name) {
    Properties p = new Properties();
    Path f = dir.resolve(name + ".properties");
    if (Files.exists(f)) {
      try (Reader in = Files.newBufferedReader(f)) {
        p.load(in);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return p;
  }

  private double wrkRps(String name) {
    try {
      String s = Files.readString(dir.resolve(name + ".txt"));
      Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(s);
      return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** Requests a wrk run completed. */
  private double wrkRequests(String name) {
    try {
      String s = Files.readString(dir.resolve(name + ".txt"));
      Matcher m = Pattern.compile("(\\d+) requests in").matcher(s);
      return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** CPU µs per request of a saturation run: a process's CPU over the run / the requests it completed. */
  private double cpuPerRequest(String run, String which) {
    return num(props("cpu_" + run), which) * 1000 / wrkRequests("wrk_" + run);
  }

  private long wrkErrors(String name) {
    try {
      String s = Files.readString(dir.resolve(name + ".txt"));
      long n = 0;
      Matcher m = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(s);
      if (m.find()) {
        n += Long.parseLong(m.group(1));
      }
      m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(s);
      if (m.find()) {
        for (int i = 1; i <= 4; i++) {
          n += Long.parseLong(m.group(i));
        }
      }
      return n;
    } catch (IOException e) {
      return -1;
    }
  }

  private static double num(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  private void row(String what, String direct, String sluice, String diff, String target, Boolean met) {
    rows.add(new String[] {what, direct, sluice, diff, target, met == null ? "" : met ? "yes" : "**no**"});
    if (Boolean.FALSE.equals(met)) {
      missed.add(what);
    }
  }

  private static String f(String pattern, double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, pattern, v);
  }

  /** Rows of latency percentiles, direct and through Sluice; {@code allowed}: the added ms each judged percentile may have. */
  private void latencyRows(String title, Properties d, Properties s, String prefix, String[] pcts,
                           Map<String, Double> allowed) {
    for (String p : pcts) {
      double dv = num(d, prefix + "_" + p + "_ms");
      double sv = num(s, prefix + "_" + p + "_ms");
      Double limit = allowed.get(p);
      String what = title + " " + p.replace("p999", "p99.9") + " (ms)";
      String target = limit == null ? "" : "≤ +" + f("%.0f", limit) + " ms";
      if (limit != null && dv > UNJUDGED_BASELINE_FACTOR * limit) {
        // a difference of the target's size cannot be read off two figures that each swing by more than
        // ten times that: the load generator and the fake are starved of CPU, with or without the gateway
        rows.add(new String[] {what, f("%.3f", dv), f("%.3f", sv), f("%+.3f ms", sv - dv), target,
            "not judged: direct > " + f("%.0f", UNJUDGED_BASELINE_FACTOR * limit) + " ms"});
        unjudged.add(what);
        continue;
      }
      row(what, f("%.3f", dv), f("%.3f", sv), f("%+.3f ms", sv - dv), target, limit == null ? null : sv - dv <= limit);
    }
  }

  String render() {
    Properties machine = props("machine");
    Properties startup = props("startup");

    double dRps = wrkRps("wrk_direct");
    double sRps = wrkRps("wrk_sluice");
    row("Throughput at saturation (req/s)", f("%.0f", dRps), f("%.0f", sRps), f("× %.2f", sRps / dRps), "≥ × 0.5",
        sRps / dRps >= 0.5);
    row("  errors at saturation", Long.toString(wrkErrors("wrk_direct")), Long.toString(wrkErrors("wrk_sluice")), "",
        "0", wrkErrors("wrk_sluice") == 0);
    double nRps = wrkRps("wrk_nginx");
    row("  nginx at saturation (req/s): nginx, Sluice", f("%.0f", nRps), f("%.0f", sRps), f("× %.2f", sRps / nRps),
        "≥ × 0.8 of nginx", sRps / nRps >= 0.8);
    double nCpu = cpuPerRequest("nginx", "proxy_cpu_ms");
    double sCpu = cpuPerRequest("sluice", "proxy_cpu_ms");
    row("CPU per request at saturation (µs, all threads): nginx, Sluice", f("%.0f", nCpu), f("%.0f", sCpu),
        f("× %.2f", sCpu / nCpu), "≤ × 2 of nginx", sCpu / nCpu <= 2.0);
    double bCpu = cpuPerRequest("bare", "proxy_cpu_ms");
    if (!Double.isNaN(bCpu)) {
      // the framework's floor: a plain Vert.x proxy with Sluice's server and client options, nothing else
      row("  a bare Vert.x proxy (the floor under Sluice): req/s; CPU per request (µs) vs nginx",
          f("%.0f", wrkRps("wrk_bare")), f("%.0f", bCpu), f("× %.2f", bCpu / nCpu), "", null);
    }
    row("  the fake's CPU per request (µs): direct, behind Sluice", f("%.0f", cpuPerRequest("direct", "fake_cpu_ms")),
        f("%.0f", cpuPerRequest("sluice", "fake_cpu_ms")), "", "", null);

    Properties rd = props("rate_direct");
    Properties rs = props("rate_sluice");
    row("Fixed rate: achieved req/s (errors)", rd.getProperty("rate_achieved", "n/a") + " (" + rd.getProperty("errors", "?")
        + ")", rs.getProperty("rate_achieved", "n/a") + " (" + rs.getProperty("errors", "?") + ")", "", "", null);
    latencyRows("Latency at " + rs.getProperty("rate_target", "1000") + " req/s", rd, rs, "lat",
        new String[] {"p50", "p99", "p999"}, Map.of("p99", 1.0));

    Properties sd = props("stream_direct");
    Properties ss = props("stream_sluice");
    String streams = ss.getProperty("streams", "1000");
    latencyRows(streams + " streams: time to first byte", sd, ss, "ttfb", new String[] {"p50", "p99"},
        Map.of("p50", 5.0, "p99", 20.0));
    latencyRows(streams + " streams: per-event delay", sd, ss, "delay", new String[] {"p50", "p99"}, Map.of("p99", 1.0));
    row(streams + " streams: events (errors)", sd.getProperty("events", "n/a") + " (" + sd.getProperty("errors", "?") + ")",
        ss.getProperty("events", "n/a") + " (" + ss.getProperty("errors", "?") + ")", "", "0 errors",
        "0".equals(ss.getProperty("errors")));

    Properties hd = props("hold_direct");
    Properties hs = props("hold_sluice");
    Properties hr = props("hold_rss");
    String held = hs.getProperty("streams", "10000");
    row(held + " open streams: errors", hd.getProperty("errors", "n/a"), hs.getProperty("errors", "n/a")
        + errorKinds(hs), "", "0", "0".equals(hs.getProperty("errors")));
    row(held + " open streams: peak open at once", hd.getProperty("peak_open", "n/a"),
        hs.getProperty("peak_open", "n/a"), "", "", null);
    double rss = num(hr, "rss_max_mib");
    row(held + " open streams: Sluice RSS (MiB)", "", f("%.0f", rss), "", "≤ 512", rss <= 512);

    memoryRows(props("memory"));

    double idle = num(startup, "idle_rss_mib");
    row("Idle RSS after start-up (MiB)", "", f("%.0f", idle), "", "", null);
    double start = num(startup, "first_request_ms");
    row("Start-up to first served request, every CPU as a user starts it (ms)", "", f("%.0f", start), "",
        "≤ 1000", start <= 1000);
    String pinned = startup.getProperty("pinned_first_request_ms", "");
    if (!pinned.isEmpty()) {
      row("  the same on the proxy's one CPU (ms)", "", pinned, "", "", null);
    }
    row("  first start, before the AOT cache exists (ms)", "", f("%.0f", num(startup, "cold_first_request_ms")),
        "", "", null);

    StringBuilder sb = new StringBuilder();
    String mode = machine.getProperty("mode", "full");
    sb.append("### Run of ").append(machine.getProperty("date", "?")).append(" (").append(mode).append(" mode)\n\n");
    sb.append("Machine: ").append(machine.getProperty("cpu", "?")).append(", ").append(machine.getProperty("nproc", "?"))
        .append(" CPUs, ").append(machine.getProperty("mem", "?")).append(" memory, ")
        .append(machine.getProperty("kernel", "?")).append(", ").append(machine.getProperty("jdk", "?")).append(".  \n");
    String opts = machine.getProperty("sluice_java_opts", "");
    sb.append("Sluice JVM options: ").append(opts.isBlank() ? "none beyond `./sluice`'s (its AOT cache)" : "`" + opts + "`")
        .append("; load average at start: ")
        .append(machine.getProperty("loadavg", "?")).append(".  \n");
    sb.append("CPUs: the proxy under test (nginx, Sluice) on ").append(machine.getProperty("proxy_cpus", "all"))
        .append("; the fake upstream and the load generators on ").append(machine.getProperty("load_cpus", "all"))
        .append("; warm-up through Sluice before the saturation runs: ").append(machine.getProperty("warmup_s", "?"))
        .append(" s.\n\n");
    sb.append("| Measure | Direct | Sluice | Sluice vs direct | Target | Met |\n");
    sb.append("| --- | ---: | ---: | ---: | --- | --- |\n");
    for (String[] r : rows) {
      sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    sb.append('\n');
    sb.append(missed.isEmpty() ? "All targets met.\n" : "Targets missed: " + String.join("; ", missed) + ".\n");
    if (!unjudged.isEmpty()) {
      sb.append("\nNot judged (the direct baseline itself is over " + (int) UNJUDGED_BASELINE_FACTOR
          + " times the target's allowance, so the load host is saturated): " + String.join("; ", unjudged) + ".\n");
    }
    return sb.toString();
  }

  /**
   * Live heap after a full GC, before the first round of streams and after each: flat within ± 10 % of
   * the first round's figure when nothing a request made outlives it.
   */
  private void memoryRows(Properties m) {
    int rounds = (int) num(m, "rounds");
    if (rounds <= 0) {
      return;
    }
    String per = m.getProperty("streams_per_round", "?");
    double first = num(m, "round_1_live_mib");
    double min = first;
    double max = first;
    StringBuilder series = new StringBuilder(f("%.0f", num(m, "round_0_live_mib")));
    long errors = 0;
    for (int r = 1; r <= rounds; r++) {
      double v = num(m, "round_" + r + "_live_mib");
      min = Math.min(min, v);
      max = Math.max(max, v);
      series.append(" → ").append(f("%.0f", v));
      errors += (long) num(m, "round_" + r + "_errors");
    }
    row(rounds + " rounds of " + per + " streams: live heap after GC (MiB), start → each round", "",
        series.toString(), f("%+.0f %%", (max - min) / first * 100), "flat ± 10 %",
        max <= first * 1.10 && min >= first * 0.90);
    row("  after the last round: live RelayHandler$Exchange / HttpClientRequestImpl", "",
        m.getProperty("round_" + rounds + "_exchanges", "?") + " / "
            + m.getProperty("round_" + rounds + "_client_requests", "?"), "", "", null);
    row("  stream errors over all rounds", "", Long.toString(errors), "", "0", errors == 0);
  }

  private static String errorKinds(Properties p) {
    String k = p.getProperty("error_kinds", "");
    return k.isEmpty() ? "" : " (" + k + ")";
  }
}
