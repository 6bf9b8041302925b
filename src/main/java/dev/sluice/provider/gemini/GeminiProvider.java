package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.gemini.ChatToGenerateContentRequest;
import dev.sluice.dialect.gemini.GeminiErrors;
import dev.sluice.dialect.gemini.GeminiUsage;
import dev.sluice.dialect.gemini.GenerateContentToChatCompletion;
import dev.sluice.dialect.gemini.ToolCallIds;
import dev.sluice.dialect.openai.responses.ChatCompletionToResponse;
import dev.sluice.dialect.openai.responses.ResponsesToChatRequest;
import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.provider.ChatUsage;
import dev.sluice.provider.Provider;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.StreamMapper;
import dev.sluice.provider.UpstreamExchange;
import dev.sluice.provider.UpstreamFailures;
import dev.sluice.provider.UpstreamLink;
import dev.sluice.provider.UpstreamSpec;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Google's Gemini API ({@code generativelanguage.googleapis.com}) behind the gateway. Chat completions
 * are translated to {@code GenerateContentRequest} and back ({@code dialect.gemini}): streams through
 * {@code :streamGenerateContent?alt=sse}, JSON through {@code :generateContent}; responses clients go
 * through chat first. Gemini's own endpoints ({@code generateContent}, {@code streamGenerateContent},
 * {@code countTokens}) get the client's body as it came and answer as Gemini did. The key goes as
 * {@code x-goog-api-key}.
 *
 * <p>Errors ({@link GeminiErrors}): 429 / {@code RESOURCE_EXHAUSTED} and 503 / {@code UNAVAILABLE} are
 * failures the router falls back on (the 429 with {@code RetryInfo}'s delay, else
 * {@code Retry-After}); the gateway's key refused is {@link UpstreamFailures#credentialsRefused}; other
 * 4xx reach OpenAI clients as their error with Gemini's message, and Gemini clients as they came.
 */
public final class GeminiProvider implements Provider {
  private static final String MODELS_PREFIX = "models/";

  private final HttpClient client;
  private final UpstreamSpec spec;
  private final Clock clock;
  private final Supplier<String> nonces;

  public GeminiProvider(HttpClient client, UpstreamSpec spec, Clock clock) {
    this(client, spec, clock, ToolCallIds.randomNonces());
  }

  GeminiProvider(HttpClient client, UpstreamSpec spec, Clock clock, Supplier<String> nonces) {
    this.client = client;
    this.spec = spec;
    this.clock = clock;
    this.nonces = nonces;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public boolean serves(Endpoint endpoint) {
    return spec.endpoints().contains(endpoint);
  }

  @Override
  public Future<Reply> models(RelayCall call) {
    String ownedBy = spec.ownedBy().isEmpty() ? "google" : spec.ownedBy();
    return exchange(call, HttpMethod.GET, "/v1beta/models?pageSize=1000", null, false, new Answer(() -> null,
        buf -> Buffer.buffer(Json.write(openAiModelList(Json.parse(buf.getBytes()), ownedBy))), false));
  }

  @Override
  public Future<Reply> send(RelayCall call) {
    String model = upstreamModel(call.model());
    if (model == null) {
      return Future.failedFuture(ApiError.invalidParam("model", "a model is required").exception());
    }
    if (call.endpoint().dialect() == Dialect.GEMINI) {
      return sendAsItCame(call, model);
    }
    boolean responses = call.endpoint() == Endpoint.RESPONSES;
    ObjectNode chat;
    ObjectNode body;
    try {
      chat = responses ? ResponsesToChatRequest.translate(call.body(), call.model()) : call.body();
      body = ChatToGenerateContentRequest.translate(chat, model);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    String clientModel = call.model();
    boolean includeUsage = responses || chat.path("stream_options").path("include_usage").asBoolean(false);
    ObjectNode request = call.body();
    Answer answer = new Answer(
        () -> responses ? new GeminiAsResponsesStreamMapper(clientModel, request, clock, nonces)
            : new GeminiAsChatStreamMapper(clientModel, includeUsage, clock, nonces),
        buf -> {
          ObjectNode completion = GenerateContentToChatCompletion.translate(Json.parse(buf.getBytes()),
              clientModel, clock, nonces);
          return Buffer.buffer(Json.write(responses ? ChatCompletionToResponse.translate(completion, request)
              : completion));
        }, false);
    String path = "/v1beta/models/" + model + (call.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
    return exchange(call, HttpMethod.POST, path, Buffer.buffer(Json.write(body)), call.stream(), answer);
  }

  /**
   * A Gemini client's request: its bytes as they came (without the {@code model} the relay put in the
   * body when a route renamed it: the model is in the path), the answer as it came.
   */
  private Future<Reply> sendAsItCame(RelayCall call, String model) {
    Buffer body;
    if (call.rawBody() != null) {
      body = call.rawBody();
    } else {
      ObjectNode copy = call.body().deepCopy();
      copy.remove("model");
      body = Buffer.buffer(Json.write(copy));
    }
    boolean stream = call.endpoint() == Endpoint.STREAM_GENERATE_CONTENT;
    String path = "/v1beta/models/" + model + ":" + call.endpoint().path() + (stream ? "?alt=sse" : "");
    return exchange(call, HttpMethod.POST, path, body, stream, AS_IT_CAME);
  }

  private static final Answer AS_IT_CAME = new Answer(GeminiPassthroughStreamMapper::new, buf -> buf, true);

  /** The model name in a path: without Google's {@code models/} prefix. */
  static String upstreamModel(String model) {
    if (model == null || model.isBlank()) {
      return null;
    }
    return model.startsWith(MODELS_PREFIX) ? model.substring(MODELS_PREFIX.length()) : model;
  }

  /**
   * How a 2xx answer reaches the client: a stream mapper and a JSON body translation; {@code asItCame}
   * when the client speaks Gemini's dialect too (its errors pass as they came).
   */
  private record Answer(Supplier<StreamMapper> streams, BodyTranslation bodies, boolean asItCame) {
  }

  @FunctionalInterface
  private interface BodyTranslation {
    Buffer apply(Buffer upstream) throws IOException;
  }

  private Future<Reply> exchange(RelayCall call, HttpMethod method, String path, Buffer body, boolean stream,
                                 Answer answer) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(spec.baseUrl() + path)
        .setConnectTimeout(spec.connectTimeoutMillis())
        .putHeader("x-goog-api-key", spec.apiKey())
        .putHeader("X-Request-ID", call.requestId())
        .putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
    if (body != null) {
      o.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    UpstreamLink link = call.link();
    return UpstreamExchange.send(client, o, body, link)
        .compose(sent -> toReply(sent, answer, link, call.mayFallBack()));
  }

  private Future<Reply> toReply(UpstreamExchange.Sent sent, Answer answer, UpstreamLink link, boolean mayFallBack) {
    HttpClientResponse resp = sent.response();
    int status = resp.statusCode();
    String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
    if (status < 300 && type != null && type.startsWith("text/event-stream")) {
      return UpstreamExchange.stream(sent, answer.streams(), link, mayFallBack,
          answer.asItCame() ? Dialect.GEMINI : Dialect.OPENAI);
    }
    return link.body(resp)
        .recover(t -> Future.failedFuture(UpstreamFailures.transport(t)))
        .compose(buf -> {
          if (status < 300) {
            return translated(status, buf, answer);
          }
          JsonNode json = readJson(buf);
          GatewayException failure = failure(status, resp.headers(), json);
          boolean handOver = answer.asItCame() && failure.kind() != FailureKind.CREDENTIALS
              && (status < 500 || !mayFallBack);
          if (handOver) {
            // Gemini's own error body for a Gemini client; the router reads a 429 from the status
            MultiMap h = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
            if (failure.retryAfterMillis() > 0) {
              h.add(HttpHeaders.RETRY_AFTER, Long.toString((failure.retryAfterMillis() + 999) / 1000));
            }
            return Future.succeededFuture(new Reply.Body(status, h, buf, TokenUsage.NONE, null));
          }
          return Future.failedFuture(failure);
        });
  }

  private Future<Reply> translated(int status, Buffer buf, Answer answer) {
    Buffer out;
    try {
      out = answer.bodies().apply(buf);
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(UpstreamFailures.unreadableBody(name()));
    }
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
    TokenUsage usage = answer.asItCame() ? geminiUsage(out) : UpstreamExchange.usageOf(out);
    return Future.succeededFuture(new Reply.Body(status, h, out, usage, null));
  }

  /** A Gemini error answer, classified for the router and kept in the client's error model. */
  GatewayException failure(int status, MultiMap headers, JsonNode body) {
    FailureKind kind = GeminiErrors.kind(status, body);
    if (kind == FailureKind.CREDENTIALS) {
      return UpstreamFailures.credentialsRefused(name(), status).failure(FailureKind.CREDENTIALS);
    }
    ApiError e = GeminiErrors.fromBody(status, body);
    if (kind == FailureKind.RATE_LIMITED) {
      long retry = GeminiErrors.retryDelayMillis(body);
      if (retry <= 0) {
        retry = UpstreamFailures.retryAfterMillis(headers);
      }
      ApiError limited = retry > 0 ? e.withHeader("Retry-After", Long.toString((retry + 999) / 1000)) : e;
      return new GatewayException(limited, FailureKind.RATE_LIMITED, retry);
    }
    return e.failure(kind);
  }

  private static JsonNode readJson(Buffer buf) {
    try {
      return Json.parse(buf.getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  /** Usage of a Gemini response body ({@code usageMetadata}). */
  private static TokenUsage geminiUsage(Buffer body) {
    JsonNode json = readJson(body);
    return json == null ? TokenUsage.NONE : ChatUsage.toRecord(GeminiUsage.from(json.get("usageMetadata")));
  }

  /**
   * Gemini's model list as OpenAI's: {@code {object: list, data: [{id, object, created: 0, owned_by}]}},
   * ids without the {@code models/} prefix.
   */
  static ObjectNode openAiModelList(JsonNode gemini, String ownedBy) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (JsonNode m : gemini.path("models")) {
      String id = upstreamModel(m.path("name").asText(""));
      if (id != null) {
        data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", ownedBy);
      }
    }
    return root;
  }
}
