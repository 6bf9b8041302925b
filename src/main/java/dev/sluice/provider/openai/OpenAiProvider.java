package dev.sluice.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.CacheUsageFields;
import dev.sluice.dialect.openai.responses.ChatCompletionToResponse;
import dev.sluice.dialect.openai.responses.ResponsesToChatRequest;
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
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.bytes.Ascii;
import dev.sluice.bytes.BufferBytes;
import dev.sluice.usage.TokenUsage;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Any OpenAI-compatible API: requests pass through, streams are copied event by event. */
public final class OpenAiProvider implements Provider {
  /** Client headers that carry meaning upstream; everything else stays at the gateway. */
  private static final List<CharSequence> FORWARDED = List.of(HttpHeaders.USER_AGENT,
      HttpHeaders.createOptimized("openai-beta"), HttpHeaders.createOptimized("idempotency-key"));
  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-ID");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final HttpClient client;
  private final UpstreamSpec spec;
  private final CharSequence authorization;
  private final Clock clock;

  public OpenAiProvider(HttpClient client, UpstreamSpec spec, Clock clock) {
    this.client = client;
    this.spec = spec;
    this.clock = clock;
    this.authorization = spec.apiKey().isEmpty() ? null : Ascii.of("Bearer " + spec.apiKey());
    for (Endpoint e : Endpoint.values()) {
      addresses.put(e, Address.of(url(e)));
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  /** What it serves itself, and responses translated to chat completions when it has only those. */
  @Override
  public boolean serves(Endpoint endpoint) {
    return spec.endpoints().contains(endpoint) || respondsThroughChat(endpoint);
  }

  private boolean respondsThroughChat(Endpoint endpoint) {
    return endpoint == Endpoint.RESPONSES && !spec.endpoints().contains(Endpoint.RESPONSES)
        && spec.endpoints().contains(Endpoint.CHAT_COMPLETIONS);
  }

  String url(Endpoint endpoint) {
    String path = switch (endpoint) {
      case MODELS -> spec.path("models");
      case CHAT_COMPLETIONS -> spec.path("chat_completions");
      case RESPONSES -> spec.path("responses");
      default -> "/v1/" + endpoint.path();
    };
    String baseUrl = spec.baseUrl();
    if (baseUrl.endsWith("/v1") && path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    return baseUrl + path;
  }

  /** Where each endpoint goes, parsed once rather than per request. */
  private record Address(String host, int port, boolean ssl, String uri) {
    static Address of(String url) {
      URI u = URI.create(url);
      boolean ssl = "https".equals(u.getScheme());
      int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
      String uri = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      return new Address(u.getHost(), port, ssl, uri);
    }
  }

  private final Map<Endpoint, Address> addresses = new EnumMap<>(Endpoint.class);

  @Override
  public Future<Reply> models(RelayCall call) {
    return exchange(call, Endpoint.MODELS, null, false, passthrough(Endpoint.MODELS, false));
  }

  @Override
  public Future<Reply> send(RelayCall call) {
    if (respondsThroughChat(call.endpoint())) {
      return sendResponsesAsChat(call);
    }
    ObjectNode body = call.body();
    boolean clientWantsUsage = true;
    if (call.stream() && (call.endpoint() == Endpoint.CHAT_COMPLETIONS || call.endpoint() == Endpoint.COMPLETIONS)) {
      JsonNode so = body.get("stream_options");
      clientWantsUsage = so != null && so.path("include_usage").asBoolean(false);
      if (!clientWantsUsage) {
        body = body.deepCopy();
        ObjectNode opts = so instanceof ObjectNode o ? o.deepCopy() : Json.object();
        opts.put("include_usage", true);
        body.set("stream_options", opts);
      }
    }
    Buffer bytes = body == call.body() && call.rawBody() != null ? call.rawBody() : Buffer.buffer(Json.write(body));
    return exchange(call, call.endpoint(), bytes, call.stream(), passthrough(call.endpoint(), clientWantsUsage));
  }

  /**
   * A Responses request to an upstream with chat completions only (DeepSeek, ...): the request is
   * translated to chat, the answer back to a Responses object or event stream.
   */
  private Future<Reply> sendResponsesAsChat(RelayCall call) {
    ObjectNode chat;
    try {
      chat = ResponsesToChatRequest.translate(call.body(), call.model());
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    ObjectNode request = call.body();
    Answer answer = new Answer(() -> new ChatAsResponsesStreamMapper(request, clock),
        buf -> Translated.of(Buffer.buffer(Json.write(ChatCompletionToResponse.translate(
            Json.parse(buf.getBytes()), request)))));
    return exchange(call, Endpoint.CHAT_COMPLETIONS, Buffer.buffer(Json.write(chat)), call.stream(), answer);
  }

  /** How an upstream's 2xx answer reaches the client: its stream mapper, and its body as the client's. */
  private record Answer(Supplier<StreamMapper> streams, BodyTranslation bodies) {
  }

  /** A 2xx body in the upstream's dialect → the client's. */
  @FunctionalInterface
  private interface BodyTranslation {
    Translated apply(Buffer upstream) throws IOException;
  }

  /** A body as the client gets it, and its usage. */
  private record Translated(Buffer body, TokenUsage usage) {
    /** A body whose usage is read from it. */
    static Translated of(Buffer body) {
      return new Translated(body, UpstreamExchange.usageOf(body));
    }
  }

  /** The upstream's answer as it came; chat completions with seed 001's response fields ({@link CacheUsageFields}). */
  private static Answer passthrough(Endpoint endpoint, boolean clientWantsUsage) {
    if (endpoint == Endpoint.CHAT_COMPLETIONS) {
      return new Answer(() -> new PassthroughStreamMapper(clientWantsUsage, true), buf -> {
        // read in place; an unchanged body is the upstream's buffer as it came, an edited one is
        // wrapped as it is: no copy of the body either way
        BufferBytes bytes = BufferBytes.of(buf);
        CacheUsageFields.Edited e = CacheUsageFields.edit(bytes.array(), bytes.offset(), bytes.length());
        Buffer body = e.body() == bytes.array() ? buf : BufferInternal.buffer(Unpooled.wrappedBuffer(e.body()));
        return new Translated(body, ChatUsage.billed(e));
      });
    }
    return new Answer(() -> new PassthroughStreamMapper(clientWantsUsage), Translated::of);
  }

  private Future<Reply> exchange(RelayCall call, Endpoint endpoint, Buffer body, boolean stream, Answer answer) {
    Address target = addresses.get(endpoint);
    RequestOptions options = new RequestOptions()
        .setMethod(body == null ? HttpMethod.GET : HttpMethod.POST)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.uri())
        .setConnectTimeout(spec.connectTimeoutMillis())
        .putHeader(X_REQUEST_ID, Ascii.of(call.requestId()))
        .putHeader(HttpHeaders.ACCEPT, stream ? EVENT_STREAM : JSON);
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, JSON);
    }
    for (CharSequence h : FORWARDED) {
      String v = call.clientHeaders().get(h);
      if (v != null) {
        options.putHeader(h, Ascii.of(v));
      }
    }
    UpstreamLink link = call.link();
    return UpstreamExchange.send(client, options, body, link)
        .compose(sent -> toReply(sent, answer, link, call.mayFallBack()));
  }

  private Future<Reply> toReply(UpstreamExchange.Sent sent, Answer answer, UpstreamLink link, boolean mayFallBack) {
    HttpClientResponse resp = sent.response();
    int status = resp.statusCode();
    String contentType = resp.getHeader(HttpHeaders.CONTENT_TYPE);
    if (status >= 500) {
      resp.resume();
      sent.request().reset();
      return Future.failedFuture(UpstreamFailures.status(status));
    }
    if (status == 401) {
      resp.resume();
      sent.request().reset();
      return Future.failedFuture(
          UpstreamFailures.credentialsRefused(name(), status).failure(FailureKind.CREDENTIALS));
    }
    if (status < 300 && contentType != null && contentType.startsWith("text/event-stream")) {
      return UpstreamExchange.stream(sent, answer.streams(), link, mayFallBack, Dialect.OPENAI);
    }
    return link.body(resp).transform(read -> {
      if (read.failed()) {
        return Future.failedFuture(UpstreamFailures.transport(read.cause()));
      }
      Buffer buf = read.result();
      if (status >= 300) {
        return Future.succeededFuture(new Reply.Body(status, resp.headers(), buf, TokenUsage.NONE, null));
      }
      Translated out;
      try {
        out = answer.bodies().apply(buf);
      } catch (IOException | RuntimeException e) {
        return Future.failedFuture(UpstreamFailures.unreadableBody(name()));
      }
      return Future.succeededFuture(new Reply.Body(status, resp.headers(), out.body(), out.usage(), null));
    });
  }



}
