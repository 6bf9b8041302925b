package dev.sluice.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.accounts.AccountPool;
import dev.sluice.accounts.TokenManager;
import dev.sluice.json.Json;
import dev.sluice.provider.Reply;
import dev.sluice.api.ModelInfo;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Codex backend's model list ({@code GET {codex_base_url}{codex_models_path}?client_version=...},
 * answering {@code {"models":[{slug, display_name, ...}]}}) as an OpenAI model list, fetched with any
 * usable account and cached for {@link CodexSettings#modelsTtl()}. When it cannot be fetched, the last
 * list fetched is served, else {@link #FALLBACK}.
 */
final class CodexModels {
  /** The Codex backend's models as seed 000's compatibility list, served until the backend answers. */
  static final List<String> FALLBACK = List.of("gpt-5.5", "gpt-5.4", "gpt-5.3-codex",
      "gpt-5.2-codex", "gpt-5.2", "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini");

  private static final Logger LOG = LoggerFactory.getLogger(CodexModels.class);
  private static final List<String> KEPT = List.of("display_name", "description", "context_window",
      "default_reasoning_level", "supported_reasoning_levels");

  private record Cached(ObjectNode list, Instant fetchedAt) {
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final AccountPool pool;
  private final TokenManager tokens;
  private final CodexSettings settings;
  private final Clock clock;
  private volatile Cached cached;
  private final AtomicReference<Future<ObjectNode>> inflight = new AtomicReference<>();

  CodexModels(Vertx vertx, HttpClient client, AccountPool pool, TokenManager tokens, CodexSettings settings,
              Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.pool = pool;
    this.tokens = tokens;
    this.settings = settings;
    this.clock = clock;
  }

  Future<Reply> list() {
    Cached c = cached;
    if (c != null && clock.instant().isBefore(c.fetchedAt().plus(settings.modelsTtl()))) {
      return Future.succeededFuture(reply(c.list()));
    }
    Future<ObjectNode> running = inflight.get();
    if (running == null) {
      Future<ObjectNode> f = fetch().andThen(ar -> inflight.set(null));
      running = inflight.compareAndSet(null, f) ? f : inflight.get();
      if (running == null) {
        running = f;
      }
    }
    return running.transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(reply(ar.result()));
      }
      LOG.warn("Codex model list unavailable ({}); serving the {} list", ar.cause().getMessage(),
          cached != null ? "last fetched" : "built-in");
      Cached last = cached;
      return Future.succeededFuture(reply(last != null ? last.list() : ModelInfo.list(FALLBACK)));
    });
  }

  private Future<ObjectNode> fetch() {
    if (!(pool.select(null, null) instanceof AccountPool.Chosen chosen)) {
      return Future.failedFuture("no usable account");
    }
    return Future.fromCompletionStage(tokens.token(chosen.accountId()), vertx.getOrCreateContext())
        .compose(token -> client.request(CodexProvider.backendRequest(settings, HttpMethod.GET, settings.modelsUrl(), token, null)
                .setIdleTimeout(settings.timeoutMillis())
                .putHeader(HttpHeaders.ACCEPT, "application/json"))
            .compose(req -> req.send())
            .compose(resp -> resp.body().compose(body -> {
              if (resp.statusCode() != 200) {
                return Future.failedFuture("HTTP " + resp.statusCode());
              }
              ObjectNode list = toOpenAi(CodexProvider.parse(body));
              if (list == null) {
                return Future.failedFuture("unreadable model list");
              }
              cached = new Cached(list, clock.instant());
              return Future.succeededFuture(list);
            })));
  }

  /** {@code {"models":[{slug,...}]}} as {@code {"object":"list","data":[{id,...}]}}; null when unreadable. */
  static ObjectNode toOpenAi(JsonNode backend) {
    if (backend == null || !backend.path("models").isArray()) {
      return null;
    }
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    for (JsonNode m : backend.get("models")) {
      String slug = m.path("slug").asText("");
      if (slug.isEmpty() || "hide".equals(m.path("visibility").asText())) {
        continue;
      }
      ObjectNode item = data.addObject().put("id", slug).put("object", "model").put("created", 0)
          .put("owned_by", "openai");
      for (String k : KEPT) {
        if (m.has(k)) {
          item.set(k, m.get(k));
        }
      }
    }
    return data.isEmpty() ? null : out;
  }

  private static Reply reply(ObjectNode list) {
    return new Reply.Body(200, MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json"),
        Buffer.buffer(Json.write(list)), TokenUsage.NONE, null);
  }
}
