package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.anthropic.AnthropicErrors;
import dev.sluice.dialect.anthropic.AnthropicUsage;
import dev.sluice.dialect.anthropic.ChatToMessagesRequest;
import dev.sluice.dialect.anthropic.MessagesToChatCompletion;
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
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Anthropic's Messages API behind OpenAI clients: chat completions are translated to Messages and
 * back ({@code dialect.anthropic}); responses clients go through chat first. Streams are translated
 * event by event. 429 and 529 are failures the router falls back on; other 4xx come back as the
 * client dialect's error with Anthropic's message; a 401 is the gateway's credential refused.
 */
public final class AnthropicProvider implements Provider {
  private final HttpClient client;
  private final UpstreamSpec spec;
  private final Clock clock;

  public AnthropicProvider(HttpClient client, UpstreamSpec spec, Clock clock) {
    this.client = client;
    this.spec = spec;
    this.clock = clock;
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
    return exchange(call, HttpMethod.GET, "/v1/models", null, false, new Answer(() -> null,
        buf -> Buffer.buffer(Json.write(openAiModelList(Json.parse(buf.getBytes()))))));
  }

  @Override
  public Future<Reply> send(RelayCall call) {
    if (call.endpoint().dialect() == Dialect.ANTHROPIC) {
      return sendAsItCame(call);
    }
    boolean responses = call.endpoint() == Endpoint.RESPONSES;
    ChatToMessagesRequest.Translation t;
    ObjectNode chat;
    try {
      chat = responses ? ResponsesToChatRequest.translate(call.body(), call.model()) : call.body();
      t = ChatToMessagesRequest.plan(chat, new ChatToMessagesRequest.Settings(call.model(), spec.defaultMaxTokens(),
          spec.version()));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    String model = call.model();
    boolean includeUsage = responses || chat.path("stream_options").path("include_usage").asBoolean(false);
    ObjectNode request = call.body();
    Answer answer = new Answer(
        () -> responses ? new MessagesAsResponsesStreamMapper(model, request, t.reply(), clock)
            : new MessagesAsChatStreamMapper(model, includeUsage, t.reply(), clock),
        buf -> {
          ObjectNode completion = MessagesToChatCompletion.translate((ObjectNode) Json.parse(buf.getBytes()),
              model, clock, t.reply());
          return Buffer.buffer(Json.write(responses ? ChatCompletionToResponse.translate(completion, request)
              : completion));
        });
    return exchange(call, HttpMethod.POST, "/v1/messages", Buffer.buffer(Json.write(t.body())), call.stream(), answer);
  }

  /**
   * An Anthropic client's request: the client's bytes go as they came (re-serialised only when a route
   * renamed the model), with its {@code anthropic-version} and {@code anthropic-beta}; the answer comes
   * back as it came, errors included.
   */
  private Future<Reply> sendAsItCame(RelayCall call) {
    Buffer body = call.rawBody() != null ? call.rawBody() : Buffer.buffer(Json.write(call.body()));
    String path = call.endpoint() == Endpoint.COUNT_TOKENS ? "/v1/messages/count_tokens" : "/v1/messages";
    return exchange(call, HttpMethod.POST, path, body, call.stream(), AS_IT_CAME);
  }

  private static final Answer AS_IT_CAME = new Answer(MessagesPassthroughStreamMapper::new, buf -> buf, true);

  /**
   * How a 2xx answer reaches the client: a stream mapper, and a JSON body translation; {@code native}
   * when the client speaks Anthropic's dialect too (its 4xx pass as they came).
   */
  private record Answer(Supplier<StreamMapper> streams, BodyTranslation bodies, boolean asItCame) {
    Answer(Supplier<StreamMapper> streams, BodyTranslation bodies) {
      this(streams, bodies, false);
    }
  }

  @FunctionalInterface
  private interface BodyTranslation {
    Buffer apply(Buffer upstream) throws IOException;
  }

  private Future<Reply> exchange(RelayCall call, HttpMethod method, String path, Buffer body, boolean stream,
                                 Answer answer) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(spec.baseUrl() + path)
        .setConnectTimeout(spec.connectTimeoutMillis())
        .putHeader("x-api-key", spec.apiKey())
        .putHeader("anthropic-version", answer.asItCame() && call.clientHeaders().get("anthropic-version") != null
            ? call.clientHeaders().get("anthropic-version") : spec.version())
        .putHeader("X-Request-ID", call.requestId())
        .putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
    if (body != null) {
      o.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    String beta = call.clientHeaders().get("anthropic-beta");
    if (beta != null) {
      o.putHeader("anthropic-beta", beta);
    }
    UpstreamLink link = call.link();
    return UpstreamExchange.send(client, o, body, link)
        .compose(sent -> toReply(sent, answer, link, call.mayFallBack()));
  }

  private Future<Reply> toReply(UpstreamExchange.Sent sent, Answer answer, UpstreamLink link, boolean mayFallBack) {
    HttpClientResponse resp = sent.response();
    int status = resp.statusCode();
    if (status >= 500 && status != 529) {
      resp.resume();
      sent.request().reset();
      return Future.failedFuture(UpstreamFailures.status(status));
    }
    String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
    if (status < 300 && type != null && type.startsWith("text/event-stream")) {
      return UpstreamExchange.stream(sent, answer.streams(), link, mayFallBack, answer.asItCame() ? Dialect.ANTHROPIC : Dialect.OPENAI);
    }
    return link.body(resp)
        .recover(t -> Future.failedFuture(UpstreamFailures.transport(t)))
        .compose(buf -> {
          if (status < 300) {
            return translated(status, resp.headers(), buf, answer);
          }
          if (answer.asItCame() && status != 401) {
            // Anthropic's own error body for an Anthropic client; the router reads 429 and 529 from the status
            MultiMap h = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
            String retry = resp.getHeader(HttpHeaders.RETRY_AFTER);
            if (retry != null) {
              h.add(HttpHeaders.RETRY_AFTER, retry);
            }
            return Future.succeededFuture(new Reply.Body(status, h, buf, TokenUsage.NONE, null));
          }
          return Future.failedFuture(failure(status, resp.headers(), buf));
        });
  }

  private Future<Reply> translated(int status, MultiMap headers, Buffer buf, Answer answer) {
    Buffer out;
    try {
      out = answer.bodies().apply(buf);
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(UpstreamFailures.unreadableBody(name()));
    }
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json");
    String rid = headers.get("request-id");
    if (rid != null) {
      h.add("request-id", rid);
    }
    return Future.succeededFuture(new Reply.Body(status, h, out, answer.asItCame() ? messagesUsage(out) : UpstreamExchange.usageOf(out),
        null));
  }

  /** An Anthropic error answer, classified for the router and kept in the client's error model. */
  private GatewayException failure(int status, MultiMap headers, Buffer body) {
    if (status == 401) {
      return UpstreamFailures.credentialsRefused(name(), status).failure(FailureKind.CREDENTIALS);
    }
    JsonNode json;
    try {
      json = Json.parse(body.getBytes());
    } catch (IOException e) {
      json = null;
    }
    ApiError e = AnthropicErrors.fromBody(status, json);
    return switch (status) {
      case 429 -> {
        long retry = UpstreamFailures.retryAfterMillis(headers);
        ApiError limited = retry > 0 ? e.withHeader("Retry-After", Long.toString((retry + 999) / 1000)) : e;
        yield new GatewayException(limited, FailureKind.RATE_LIMITED, retry);
      }
      case 529 -> e.failure(FailureKind.OVERLOADED);
      default -> e.failure(FailureKind.REJECTED);
    };
  }

  /** Usage of an Anthropic message body: input tokens exclude the cache, the record's include it. */
  private static TokenUsage messagesUsage(Buffer body) {
    try {
      return ChatUsage.toRecord(AnthropicUsage.from(Json.parse(body.getBytes()).path("usage")).toTokenUsage());
    } catch (IOException e) {
      return TokenUsage.NONE;
    }
  }


  /** Anthropic's model list as OpenAI's: {@code {object: list, data: [{id, object, created, owned_by}]}}. */
  static ObjectNode openAiModelList(JsonNode anthropic) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (JsonNode m : anthropic.path("data")) {
      if (!m.path("id").isTextual()) {
        continue;
      }
      long created = 0;
      try {
        created = Instant.parse(m.path("created_at").asText()).getEpochSecond();
      } catch (RuntimeException e) {
        // no usable date: 0, as for a static list
      }
      data.addObject().put("id", m.get("id").asText()).put("object", "model").put("created", created)
          .put("owned_by", "anthropic");
    }
    return root;
  }
}
