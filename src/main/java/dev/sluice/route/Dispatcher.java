package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.provider.Provider;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.UpstreamFailures;
import dev.sluice.provider.UpstreamSpec;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.anthropic.inbound.CountTokens;
import dev.sluice.dialect.gemini.inbound.GeminiCountTokens;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The model router on one event loop: resolves the client's model to a route and tries its targets in
 * order until one serves. The next target is tried on a failure whose {@link FailureKind} says so, or an
 * upstream 429 / 529, and only while nothing has reached the client (providers hand over streams once
 * they are committed); a 4xx the upstream blames on the request is returned as it came. Attempts per
 * request are bounded. A target reached through chat completions is passed over when the request has no
 * chat form (a Gemini body with what only Gemini takes, translated lazily: {@link ThroughChat#hub}). When
 * every target failed: all rate-limited → the 429 with the earliest {@code Retry-After}, otherwise the
 * last failure, or the translation's 400 when no upstream was tried.
 */
public final class Dispatcher {
  private final RouteTable table;
  private final Map<String, Provider> upstreams;
  private final Map<String, UpstreamSpec> specs;
  private final UpstreamHealth health;
  private final int maxAttempts;
  private final ModelList models;

  /** @param upstreams this event loop's provider of each configured upstream */
  public Dispatcher(Routing routing, Map<String, Provider> upstreams, LongSupplier nanoTime) {
    this.table = routing.table();
    this.upstreams = Map.copyOf(upstreams);
    this.specs = Map.copyOf(routing.upstreams());
    this.health = routing.health();
    this.maxAttempts = routing.maxAttempts();
    this.models = new ModelList(table, this.upstreams, this.specs, nanoTime);
  }

  /**
   * Why the request cannot be routed, decided before any quota is used: no route for the model (404
   * {@code model_not_found}), or none of its targets serves the endpoint (400). Null when it can.
   */
  public ApiError refuse(Endpoint endpoint, String model, Route route) {
    if (endpoint == Endpoint.MODELS) {
      return null;
    }
    if (route == null) {
      return model == null ? ApiError.invalidParam("model", "model is required")
          : ApiError.of(404, ApiError.NOT_FOUND, "The model '" + model + "' does not exist or is not served by "
              + "this gateway", "model_not_found").withParam("model");
    }
    for (Target t : route.targets()) {
      if (ThroughChat.serves(upstreams.get(t.upstream()), endpoint)) {
        return null;
      }
    }
    List<String> names = route.targets().stream().map(Target::upstream).distinct().toList();
    String where = endpoint.dialect() == Dialect.GEMINI ? ":" + endpoint.path() : "/v1/" + endpoint.path();
    return ApiError.invalidParam("model", "The model '" + (model == null ? "(default)" : model)
        + "' is not available on " + where + ": its route '" + route.name() + "' goes to "
        + String.join(", ", names) + ", which " + (names.size() == 1 ? "does" : "do") + " not serve " + where);
  }

  /**
   * Whether some target of the model's route serves {@code endpoint} in the client's own dialect (a
   * Gemini upstream for a Gemini client): the relay then leaves the translation to chat completions
   * to the router, for the targets that need it.
   */
  public boolean servesNatively(Endpoint endpoint, Route route) {
    return route != null && route.targets().stream().anyMatch(t -> upstreams.get(t.upstream()).serves(endpoint));
  }

  /**
   * The route of a model, or null when none matches; a request without one (images may omit it) takes
   * the catch-all route.
   */
  public Route route(String model) {
    return table.resolve(model == null ? "" : model);
  }

  /** Serves a POST endpoint through the model's route. */
  public Future<Reply> send(RelayCall call, Route route) {
    ApiError refused = refuse(call.endpoint(), call.model(), route);
    if (refused != null) {
      return Future.failedFuture(refused.exception());
    }
    List<Target> order = order(route, call.endpoint());
    Endpoint e = call.endpoint();
    if ((e == Endpoint.COUNT_TOKENS || e == Endpoint.GEMINI_COUNT_TOKENS)
        && !upstreams.get(order.getFirst().upstream()).serves(e)) {
      // no upstream of the client's dialect to count: counted here, with a real tokenizer
      call.attempts().served(order.getFirst().upstream(), order.getFirst().modelFor(call.model()));
      ObjectNode counted = e == Endpoint.COUNT_TOKENS ? CountTokens.count(call.body())
          : GeminiCountTokens.count(call.body());
      return Future.succeededFuture(new Reply.Body(200, MultiMap.caseInsensitiveMultiMap()
          .add(HttpHeaders.CONTENT_TYPE, "application/json"), Buffer.buffer(Json.write(counted)),
          TokenUsage.NONE, null));
    }
    return new Fallback(call, order).next();
  }

  /** The models the gateway serves, across every route. */
  public Future<Reply> models(RelayCall call) {
    return models.list(call);
  }

  /**
   * The targets to try: those that serve the endpoint and are not cooling down, in the route's order;
   * when every one is cooling down, the one whose cooldown ends first (never a hard refusal).
   */
  private List<Target> order(Route route, Endpoint endpoint) {
    List<Target> ready = new ArrayList<>();
    Target soonest = null;
    for (Target t : route.targets()) {
      if (!ThroughChat.serves(upstreams.get(t.upstream()), endpoint)) {
        continue;
      }
      if (health.admit(t.upstream())) {
        ready.add(t);
      } else if (soonest == null || health.coolUntil(t.upstream()) - health.coolUntil(soonest.upstream()) < 0) {
        soonest = t;
      }
    }
    if (ready.isEmpty() && soonest != null) {
      ready.add(soonest);
    }
    return ready;
  }

  /** One client request and the targets tried for it. */
  private final class Fallback {
    final RelayCall call;
    final List<Target> order;
    int next;
    GatewayException last;
    Reply.Body lastRateLimited;
    long earliestRetryMillis = Long.MAX_VALUE;
    boolean allRateLimited = true;
    /** The request as chat completions, once a target needed it (see {@link ThroughChat#hub}). */
    ObjectNode hub;
    /** Why the request cannot go as chat completions, once a target needed it and the translation refused. */
    GatewayException untranslatable;

    Fallback(RelayCall call, List<Target> order) {
      this.call = call;
      this.order = order;
      this.hub = call.hub();
    }

    Future<Reply> next() {
      if (call.link().cancelled()) {
        return Future.failedFuture(ApiError.clientClosed().exception());
      }
      if (next >= order.size() || next >= maxAttempts) {
        return exhausted();
      }
      Target target = order.get(next++);
      Provider provider = upstreams.get(target.upstream());
      boolean direct = provider.serves(call.endpoint());
      if (!direct && !translated()) {
        // a target that cannot take the body (what only Gemini serves) is passed over, like one that is not
        // ready; the client gets its refusal only when no upstream answered otherwise
        return next();
      }
      String model = target.modelFor(call.model());
      call.link().nextAttempt(specs.get(target.upstream()).timeoutMillis());
      RelayCall attempt = call.forAttempt(model, more());
      Future<Reply> sent = direct ? provider.send(attempt) : ThroughChat.send(provider, attempt, call, hub);
      return sent.transform(ar -> {
        if (call.link().cancelled()) {
          return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
        }
        if (ar.succeeded()) {
          return answered(target, model, ar.result());
        }
        return failed(target, model, classify(ar.cause()));
      });
    }

    Future<Reply> answered(Target target, String model, Reply reply) {
      int status = reply.status();
      if (reply instanceof Reply.Body b && (status == 429 || status == 529) && (more() || lastRateLimited != null)) {
        long retry = UpstreamFailures.retryAfterMillis(b.headers());
        health.failed(target.upstream(), status == 429 ? FailureKind.RATE_LIMITED : FailureKind.OVERLOADED, retry,
            "HTTP " + status);
        call.attempts().failed(target.upstream(), model, "upstream_" + status);
        if (status == 429) {
          lastRateLimited = b;
          earliestRetryMillis = Math.min(earliestRetryMillis, retry > 0 ? retry : Long.MAX_VALUE);
        } else {
          allRateLimited = false;
          last = ApiError.of(503, ApiError.SERVICE_UNAVAILABLE, "upstream '" + target.upstream() + "' is overloaded",
              "upstream_overloaded").failure(FailureKind.OVERLOADED);
        }
        return next();
      }
      if (status < 400) {
        health.succeeded(target.upstream());
      }
      call.attempts().served(target.upstream(), model);
      return Future.succeededFuture(reply);
    }

    Future<Reply> failed(Target target, String model, GatewayException g) {
      call.attempts().failed(target.upstream(), model, g.error().code());
      health.failed(target.upstream(), g.kind(), g.retryAfterMillis(), g.error().message());
      if (!g.kind().tryNext()) {
        return Future.failedFuture(g);
      }
      if (g.kind() == FailureKind.RATE_LIMITED && g.retryAfterMillis() > 0) {
        earliestRetryMillis = Math.min(earliestRetryMillis, g.retryAfterMillis());
      } else if (g.kind() != FailureKind.RATE_LIMITED) {
        allRateLimited = false;
      }
      last = g;
      return next();
    }

    /** The attempt's failure; a timeout the link saw is a timeout whatever the transport said. */
    GatewayException classify(Throwable t) {
      return switch (call.link().takeTimeout()) {
        case BEFORE_RESPONSE -> ApiError.upstreamTimeout().failure(FailureKind.TIMEOUT);
        case AFTER_HEADERS -> ApiError.upstreamTimeout().exception();
        case NONE -> t instanceof GatewayException g ? g : ApiError.internal().exception();
      };
    }

    /** Whether the request has its chat completions form, translating it the first time it is needed. */
    boolean translated() {
      if (hub == null && untranslatable == null) {
        try {
          hub = ThroughChat.hub(call);
        } catch (GatewayException g) {
          untranslatable = g;
        }
      }
      return hub != null;
    }

    boolean more() {
      return next < order.size() && next < maxAttempts;
    }

    Future<Reply> exhausted() {
      if (lastRateLimited != null && (allRateLimited || last == null)) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(lastRateLimited.headers());
        if (earliestRetryMillis != Long.MAX_VALUE) {
          h.set("Retry-After", Long.toString((earliestRetryMillis + 999) / 1000));
          h.set("retry-after-ms", Long.toString(earliestRetryMillis));
        }
        return Future.succeededFuture(new Reply.Body(429, h, lastRateLimited.body(), lastRateLimited.usage(),
            lastRateLimited.account()));
      }
      if (last == null && untranslatable != null) {
        return Future.failedFuture(untranslatable);
      }
      if (last == null) {
        return Future.failedFuture(ApiError.of(503, ApiError.SERVICE_UNAVAILABLE,
            "no upstream could take the request", "no_upstream").exception());
      }
      return Future.failedFuture(last);
    }
  }

  /**
   * {@code /v1/models} across routes: exact names and aliases as listed, and for glob routes the
   * matching models of their upstreams' own lists (fetched at most once a minute).
   */
  private static final class ModelList {
    private static final long TTL_NANOS = 60_000_000_000L;
    private final RouteTable table;
    private final Map<String, Provider> upstreams;
    private final Map<String, UpstreamSpec> specs;
    private final LongSupplier nanoTime;
    private final Map<String, List<JsonNode>> cached = new LinkedHashMap<>();
    private final Map<String, Long> fetchedAt = new LinkedHashMap<>();

    ModelList(RouteTable table, Map<String, Provider> upstreams, Map<String, UpstreamSpec> specs,
              LongSupplier nanoTime) {
      this.table = table;
      this.upstreams = upstreams;
      this.specs = specs;
      this.nanoTime = nanoTime;
    }

    Future<Reply> list(RelayCall call) {
      Set<String> needed = new LinkedHashSet<>();
      for (Route r : table.routes()) {
        if (r.isGlob()) {
          r.targets().forEach(t -> needed.add(t.upstream()));
        }
      }
      List<Future<?>> fetches = new ArrayList<>();
      for (String u : needed) {
        Long at = fetchedAt.get(u);
        if (at == null || nanoTime.getAsLong() - at > TTL_NANOS) {
          fetches.add(fetch(u, call));
        }
      }
      return Future.join(fetches).transform(ar -> Future.succeededFuture(reply()));
    }

    private Future<Void> fetch(String upstream, RelayCall call) {
      return upstreams.get(upstream).models(call).map(r -> {
        List<JsonNode> ids = new ArrayList<>();
        if (r instanceof Reply.Body b && b.status() < 300) {
          modelObjects(b.body(), ids);
        }
        cached.put(upstream, ids);
        fetchedAt.put(upstream, nanoTime.getAsLong());
        return (Void) null;
      }).otherwise(t -> null);
    }

    /** The model objects of an upstream's list body; none when it is unreadable. */
    private static void modelObjects(Buffer body, List<JsonNode> into) {
      try {
        Json.parse(body.getBytes()).path("data").forEach(m -> {
          if (m.isObject() && m.path("id").isTextual()) {
            into.add(m);
          }
        });
      } catch (IOException e) {
        // an unreadable list adds nothing
      }
    }

    private Reply reply() {
      Map<String, ObjectNode> out = new LinkedHashMap<>();
      for (Route r : table.routes()) {
        if (!r.isGlob()) {
          ObjectNode m = Json.object();
          m.put("id", r.name());
          m.put("object", "model");
          m.put("created", 0);
          String owner = specs.get(r.targets().getFirst().upstream()).ownedBy();
          if (!owner.isEmpty()) {
            m.put("owned_by", owner);
          }
          out.putIfAbsent(r.name(), m);
          continue;
        }
        for (Target t : r.targets()) {
          for (JsonNode m : cached.getOrDefault(t.upstream(), List.of())) {
            String id = m.get("id").asText();
            if (r.matches(id) && table.resolve(id) == r && !out.containsKey(id)) {
              ObjectNode copy = ((ObjectNode) m).deepCopy();
              String owner = specs.get(t.upstream()).ownedBy();
              if (!owner.isEmpty()) {
                copy.put("owned_by", owner);
              }
              out.put(id, copy);
            }
          }
        }
      }
      ObjectNode root = Json.object();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      out.values().forEach(data::add);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
      return new Reply.Body(200, headers, Buffer.buffer(Json.write(root)), TokenUsage.NONE, null);
    }
  }
}
