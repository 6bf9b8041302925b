package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model router's table, from {@code models:}: exact names (and aliases) first, then globs in the
 * order written; the first match wins. Without a {@code models:} section every model goes to the one
 * upstream there is ({@code *} → it), so every single-upstream config keeps working.
 */
public final class RouteTable {
  private static final Set<String> KEYS = Set.of("name", "targets");

  private final List<Route> routes;
  private final Map<String, Route> exact = new LinkedHashMap<>();
  private final List<Route> globs = new ArrayList<>();

  public RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
    for (Route r : routes) {
      if (r.isGlob()) {
        globs.add(r);
      } else {
        exact.putIfAbsent(r.name(), r);
      }
    }
  }

  /** Routes as written. */
  public List<Route> routes() {
    return routes;
  }

  /**
   * Routes in the order a model is matched against them: exact names (the first of each name; a later
   * route of the same name never matches), then globs in the order written.
   */
  public List<Route> inMatchOrder() {
    List<Route> out = new ArrayList<>(exact.values());
    out.addAll(globs);
    return out;
  }

  /** The route of a client's model, or null when none matches. */
  public Route resolve(String model) {
    if (model == null) {
      return null;
    }
    Route r = exact.get(model);
    if (r != null) {
      return r;
    }
    for (Route g : globs) {
      if (g.matches(model)) {
        return g;
      }
    }
    return null;
  }

  /** Reads {@code models:}, checking every target against the configured upstream names. */
  public static RouteTable fromConfig(Config cfg, Set<String> upstreams) {
    JsonNode section = cfg.node("models");
    List<Route> out = new ArrayList<>();
    if (section.isMissingNode() || section.isNull() || section.isEmpty()) {
      if (upstreams.size() != 1) {
        throw new ConfigException("models", "with more than one upstream, list the routes: "
            + "models: [{name: \"*\", targets: [" + String.join(", ", upstreams) + "]}]");
      }
      out.add(Route.of("*", List.of(new Target(upstreams.iterator().next(), null))));
      return new RouteTable(out);
    }
    if (!section.isArray()) {
      throw new ConfigException("models", "expected a list of {name, targets}");
    }
    for (int i = 0; i < section.size(); i++) {
      String at = "models[" + i + "]";
      JsonNode r = section.get(i);
      if (!r.isObject()) {
        throw new ConfigException(at, "expected {name, targets}");
      }
      for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!KEYS.contains(k)) {
          throw new ConfigException(at + "." + k, "unknown key; a route has name and targets");
        }
      }
      JsonNode name = r.path("name");
      if (!name.isTextual() || name.asText().isBlank()) {
        throw new ConfigException(at + ".name", "is required: the model name, alias or glob clients send");
      }
      JsonNode targets = r.path("targets");
      List<Target> ts = new ArrayList<>();
      if (targets.isTextual()) {
        ts.add(target(targets.asText(), at + ".targets", upstreams));
      } else if (targets.isArray() && !targets.isEmpty()) {
        for (int j = 0; j < targets.size(); j++) {
          ts.add(target(targets.get(j).asText(), at + ".targets[" + j + "]", upstreams));
        }
      } else {
        throw new ConfigException(at + ".targets", "is required: a list of upstream or upstream:model");
      }
      out.add(Route.of(name.asText().trim(), ts));
    }
    return new RouteTable(out);
  }

  private static Target target(String s, String at, Set<String> upstreams) {
    Target t = Target.parse(s);
    if (!upstreams.contains(t.upstream())) {
      throw new ConfigException(at, "names no configured upstream: '" + t.upstream() + "' (upstreams: "
          + String.join(", ", upstreams) + ")");
    }
    if (t.model() != null && t.model().isEmpty()) {
      throw new ConfigException(at, "'" + s + "' has an empty model after ':'");
    }
    return t;
  }
}
