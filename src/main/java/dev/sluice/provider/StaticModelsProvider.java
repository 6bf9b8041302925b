package dev.sluice.provider;

import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import dev.sluice.relay.ModelCatalog;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** A provider with no usable upstream: lists a static model set and answers every call with one error. */
public final class StaticModelsProvider implements Provider {
  /** The Codex backend's models, as seed 000's compatibility list. */
  public static final List<String> CODEX_MODELS = List.of("gpt-5.5", "gpt-5.4", "gpt-5.3-codex", "gpt-5.2-codex",
      "gpt-5.2", "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini");

  private final String name;
  private final List<String> models;
  private final ApiError error;

  public StaticModelsProvider(String name, List<String> models, ApiError error) {
    this.name = name;
    this.models = models;
    this.error = error;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<Reply> send(RelayCall call) {
    return Future.failedFuture(error.exception());
  }

  @Override
  public Future<Reply> models(RelayCall call) {
    Buffer body = Buffer.buffer(Json.write(ModelCatalog.list(models)));
    return Future.succeededFuture(new Reply.Body(200, MultiMap.caseInsensitiveMultiMap(), body, TokenUsage.NONE, null));
  }
}
