package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Dialect;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.function.Supplier;

/** What every HTTP upstream does the same way: send under the request's link, hand a stream over. */
public final class UpstreamExchange {
  /** A request sent and its response head, the response paused. */
  public record Sent(HttpClientRequest request, HttpClientResponse response) {
  }

  private UpstreamExchange() {
  }

  /**
   * Sends the request attached to {@code link} (so a hang-up or a timeout aborts it); a transport
   * failure before the response head fails the future, classified for fallback. One promise for the
   * whole exchange, completed from the client's own callbacks (on the request's event loop), where a
   * chain of compose, map and recover made a promise and a listener for each.
   */
  public static Future<Sent> send(HttpClient client, RequestOptions options, Buffer body, UpstreamLink link) {
    Promise<Sent> sent = Promise.promise();
    client.request(options).onComplete(made -> {
      if (made.failed()) {
        sent.fail(UpstreamFailures.transport(made.cause()));
      } else {
        HttpClientRequest req = made.result();
        guarded(sent, () -> {
          link.attach(req);
          (body == null ? req.send() : req.send(body)).onComplete(answered -> {
            if (answered.failed()) {
              sent.tryFail(UpstreamFailures.transport(answered.cause()));
              return;
            }
            HttpClientResponse resp = answered.result();
            guarded(sent, () -> {
              resp.pause();
              link.responded();
              sent.tryComplete(new Sent(req, resp));
            });
          });
        });
      }
    });
    return sent.future();
  }

  /** Runs {@code step}; a throw fails {@code sent} as a transport failure, as a throw in a compose would. */
  private static void guarded(Promise<Sent> sent, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      sent.tryFail(UpstreamFailures.transport(e));
    }
  }

  /**
   * A 2xx event stream as the reply: handed over at once, or, when another target could still serve
   * ({@code mayFallBack}), once it has shown client-visible output ({@link Prefetch}); a failure before
   * that is one the router may move on from.
   *
   * @param events the dialect of the mapper's output, where {@link Prefetch} looks for output
   */
  public static Future<Reply> stream(Sent sent, Supplier<StreamMapper> mappers, UpstreamLink link,
                                     boolean mayFallBack, Dialect events) {
    HttpClientResponse resp = sent.response();
    int status = resp.statusCode();
    if (!mayFallBack) {
      return Future.succeededFuture(new Reply.Stream(status, resp.headers(), resp, () -> sent.request().reset(),
          mappers.get(), null));
    }
    return Prefetch.run(resp, mappers.get(), link::progress, events).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(new Reply.Stream(status, resp.headers(), new ReplayStream(resp, ar.result()),
            () -> sent.request().reset(), mappers.get(), null));
      }
      sent.request().reset();
      if (ar.cause() instanceof Prefetch.TransportFailure f) {
        return Future.failedFuture(UpstreamFailures.transport(f.getCause()));
      }
      GatewayException g = Prefetch.toGateway(ar.cause());
      return Future.failedFuture(g.kind().tryNext() ? g : g.error().failure(FailureKind.BROKE_BEFORE_OUTPUT));
    });
  }

  /** Drops an answer nobody will read. */
  public static void discard(Sent sent) {
    sent.response().resume();
    sent.request().reset();
  }

  /** The {@code usage} of an OpenAI-dialect JSON body (chat, completions, embeddings, responses). */
  public static TokenUsage usageOf(Buffer body) {
    if (body.length() == 0 || body.getByte(0) != '{') {
      return TokenUsage.NONE;
    }
    try {
      JsonNode node = Json.parse(body.getBytes());
      return TokenUsage.fromOpenAi(node.get("usage"));
    } catch (Exception e) {
      return TokenUsage.NONE;
    }
  }
}
