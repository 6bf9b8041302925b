package dev.sluice.route;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.Config;
import dev.sluice.json.Json;
import dev.sluice.provider.UpstreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routing configuration of the process, checked at start-up: the upstreams, the route table and
 * the health every event loop's {@link Dispatcher} shares. What {@code sluice routes} prints and
 * {@code GET /admin/upstreams} shows.
 *
 * @param maxAttempts upstream attempts per client request over a route's targets
 */
public record Routing(Map<String, UpstreamSpec> upstreams, RouteTable table, UpstreamHealth health,
                      int maxAttempts) {

  public static Routing fromConfig(Config cfg) {
    Map<String, UpstreamSpec> specs = UpstreamSpec.fromConfig(cfg);
    RouteTable table = RouteTable.fromConfig(cfg, specs.keySet());
    UpstreamHealth health = new UpstreamHealth(cfg.integer("routing.failure_threshold", 1, 1000),
        cfg.integer("routing.cooldown_seconds", 1, 86_400) * 1000L, System::nanoTime);
    return new Routing(specs, table, health, cfg.integer("routing.max_attempts", 1, 20));
  }

  /** The route table as text: one line per route, then where each of {@code models} would go. */
  public String describe(List<String> models) {
    StringBuilder sb = new StringBuilder();
    int width = 5;
    for (Route r : table.routes()) {
      width = Math.max(width, r.name().length());
    }
    sb.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", "ROUTE", "TARGETS (in fallback order)"));
    for (Route r : table.routes()) {
      List<String> ts = new ArrayList<>();
      for (Target t : r.targets()) {
        UpstreamSpec s = upstreams.get(t.upstream());
        ts.add(t + " [" + s.type().name().toLowerCase(Locale.ROOT) + " " + s.baseUrl() + "]");
      }
      sb.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", r.name(), String.join(" → ", ts)));
    }
    for (String m : models) {
      Route r = table.resolve(m);
      if (r == null) {
        sb.append(m).append(": no route (404 model_not_found)").append(System.lineSeparator());
        continue;
      }
      List<String> ts = r.targets().stream().map(t -> t.upstream() + " as " + t.modelFor(m)).toList();
      sb.append(m).append(": route '").append(r.name()).append("' → ").append(String.join(", then ", ts))
          .append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** {@code GET /admin/upstreams}: each upstream's health, and the routes in the order they are matched. */
  public ObjectNode status() {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (UpstreamHealth.Snapshot s : health.snapshot(List.copyOf(upstreams.keySet()))) {
      UpstreamSpec spec = upstreams.get(s.upstream());
      ObjectNode u = data.addObject();
      u.put("name", s.upstream());
      u.put("type", spec.type().name().toLowerCase(Locale.ROOT));
      u.put("base_url", spec.baseUrl());
      u.put("state", s.state());
      u.put("consecutive_failures", s.consecutiveFailures());
      u.put("cooldown_remaining_ms", s.cooldownRemainingMillis());
      u.put("last_error", s.lastError());
      if (s.lastErrorAgoMillis() >= 0) {
        u.put("last_error_ago_ms", s.lastErrorAgoMillis());
      } else {
        u.putNull("last_error_ago_ms");
      }
    }
    ArrayNode routes = root.putArray("routes");
    for (Route r : table.inMatchOrder()) {
      ObjectNode o = routes.addObject();
      o.put("name", r.name());
      ArrayNode ts = o.putArray("targets");
      r.targets().forEach(t -> ts.add(t.toString()));
    }
    return root;
  }
}
