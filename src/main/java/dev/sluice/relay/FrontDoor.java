package dev.sluice.relay;

import dev.sluice.api.ApiContract;
import dev.sluice.api.Endpoint;
import dev.sluice.error.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's request handler. A {@code POST} to one of the relay's fixed paths ({@code /v1/chat/completions},
 * {@code /v1/messages}, ...) goes straight to the relay, its body read here; every other request (model
 * lists, Gemini's paths, the admin API, health, unknown paths) goes through vertx-web's router. The straight
 * way does for those paths what the router's handlers do (the request id, the drain's
 * {@code Connection: close}, the base path's contract, the body limit, forms kept from being decoded) without
 * a routing context, a walk of the route list and a body handler per request: a twentieth of the event
 * loop's time on the relay's busiest path. A path that is not exactly a fixed one ({@code /v1/chat/completions/},
 * percent-encoded, with dot segments) is the router's, which answers it as before.
 */
final class FrontDoor implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

  /** A fixed path's endpoint and the contract of its base path. */
  private record Fixed(Endpoint endpoint, ApiContract contract) {
  }

  private final Handler<HttpServerRequest> router;
  private final RelayHandler relay;
  private final Services services;
  private final InFlight inFlight;
  private final Map<String, Fixed> fixed = new HashMap<>();

  FrontDoor(Router router, RelayHandler relay, Services services, InFlight inFlight) {
    this.router = router;
    this.relay = relay;
    this.services = services;
    this.inFlight = inFlight;
    Gateway.relayPaths((path, endpoint) -> {
      ApiContract contract = ApiContract.ofPath(path);
      fixed.put(path, new Fixed(endpoint, contract != null ? contract : ApiContract.OPENAI));
    });
  }

  @Override
  public void handle(HttpServerRequest request) {
    Fixed f = request.method() == HttpMethod.POST ? fixed.get(request.path()) : null;
    if (f == null) {
      router.handle(request);
      return;
    }
    long arrived = System.nanoTime();
    String id = Gateway.requestId(request);
    if (inFlight.draining()) {
      request.response().putHeader(HttpHeaders.CONNECTION, "close");
      request.response().endHandler(v -> request.connection().close());
    }
    String formType = Gateway.formTypeKept(request);
    new BodyReader(request, f, arrived, id, formType).start();
  }

  /** Reads one request's body whole, up to the limit, then hands the request to the relay. */
  private final class BodyReader {
    private final HttpServerRequest request;
    private final Fixed fixed;
    private final long arrived;
    private final String id;
    private final String formType;
    private Buffer body;
    private boolean tooLarge;

    BodyReader(HttpServerRequest request, Fixed fixed, long arrived, String id, String formType) {
      this.request = request;
      this.fixed = fixed;
      this.arrived = arrived;
      this.id = id;
      this.formType = formType;
    }

    void start() {
      long limit = services.maxBodyBytes();
      long declared = contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
      if (limit >= 0 && declared > limit) {
        refuseTooLarge();
        return;
      }
      // a buffer of the declared length: no copies as it fills (bodies without one grow from 1 KiB)
      body = declared > 0 ? Buffer.buffer((int) declared) : Buffer.buffer();
      request.exceptionHandler(t -> LOG.debug("request {} ended before its body: {}", id, t.toString()));
      request.handler(chunk -> {
        if (tooLarge) {
          return;
        }
        if (limit >= 0 && body.length() + (long) chunk.length() > limit) {
          refuseTooLarge();
          return;
        }
        body.appendBuffer(chunk);
      });
      request.endHandler(v -> {
        if (tooLarge) {
          return;
        }
        try {
          relay.handle(new Inbound(request, fixed.endpoint(), body, arrived, id, fixed.contract(),
              fixed.endpoint().dialect(), null, formType));
        } catch (RuntimeException e) {
          LOG.error("unexpected failure on {}: {}", request.path(), e.toString());
          fail(ApiError.internal());
        }
      });
    }

    private void refuseTooLarge() {
      tooLarge = true;
      body = null;
      fail(ApiError.bodyTooLarge(services.maxBodyBytes()));
    }

    private void fail(ApiError error) {
      RelayHandler.failEarly(request, fixed.endpoint(), id, arrived, fixed.contract(), fixed.endpoint().dialect(),
          services, error);
    }
  }

  /** A Content-Length header's value; -1 when there is none or it is not a number. */
  static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
