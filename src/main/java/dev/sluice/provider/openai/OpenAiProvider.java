package dev.sluice.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.provider.Provider;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.UpstreamFailures;
import dev.sluice.provider.UpstreamLink;
import dev.sluice.provider.UpstreamSpec;
import dev.sluice.api.Endpoint;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Any OpenAI-compatible API: requests pass through, streams are copied event by event. */
public final class OpenAiProvider implements Provider {
  /** Client headers that carry meaning upstream; everything else stays at the gateway. */
  private static final List<String> FORWARDED = List.of("user-agent", "openai-beta", "idempotency-key");

  private final HttpClient client;
  private final UpstreamSpec spec;
  private final String authorization;

  public OpenAiProvider(HttpClient client, UpstreamSpec spec) {
    this.client = client;
    this.spec = spec;
    this.authorization = spec.apiKey().isEmpty() ? null : "Bearer " + spec.apiKey();
    for (Endpoint e : Endpoint.values()) {
      addresses.put(e, Address.of(url(e)));
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public boolean serves(Endpoint endpoint) {
    return spec.endpoints().contains(endpoint);
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
    return exchange(call, HttpMethod.GET, null, false, false);
  }

  @Override
  public Future<Reply> send(RelayCall call) {
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
    return exchange(call, HttpMethod.POST, bytes, call.stream(), clientWantsUsage);
  }

  private Future<Reply> exchange(RelayCall call, HttpMethod method, Buffer body, boolean stream,
                                 boolean clientWantsUsage) {
    Address target = addresses.get(call.endpoint());
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.uri())
        .setConnectTimeout(spec.connectTimeoutMillis())
        .putHeader("X-Request-ID", call.requestId())
        .putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    for (String h : FORWARDED) {
      String v = call.clientHeaders().get(h);
      if (v != null) {
        options.putHeader(h, v);
      }
    }
    UpstreamLink link = call.link();
    return client.request(options)
        .compose(req -> {
          link.attach(req);
          return (body == null ? req.send() : req.send(body)).map(resp -> {
            resp.pause();
            link.responded();
            return new Sent(req, resp);
          });
        })
        .recover(t -> Future.failedFuture(UpstreamFailures.transport(t)))
        .compose(sent -> toReply(sent, clientWantsUsage, link));
  }

  private record Sent(HttpClientRequest request, HttpClientResponse response) {
  }

  private Future<Reply> toReply(Sent sent, boolean clientWantsUsage, UpstreamLink link) {
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
      return Future.succeededFuture(new Reply.Stream(status, resp.headers(), resp, () -> sent.request().reset(),
          new PassthroughStreamMapper(clientWantsUsage), null));
    }
    return link.body(resp)
        .recover(t -> Future.failedFuture(UpstreamFailures.transport(t)))
        .map(buf -> new Reply.Body(status, resp.headers(), buf, status < 300 ? usageOf(buf) : TokenUsage.NONE, null));
  }

  private static TokenUsage usageOf(Buffer body) {
    if (body.length() == 0 || body.getByte(0) != '{') {
      return TokenUsage.NONE;
    }
    try {
      JsonNode node = Json.MAPPER.readTree(body.getBytes());
      return TokenUsage.fromOpenAi(node.get("usage"));
    } catch (Exception e) {
      return TokenUsage.NONE;
    }
  }


}
