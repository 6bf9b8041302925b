package dev.sluice.relay;

import dev.sluice.api.ApiContract;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * A client's request as the relay reads it: what the front door learnt of it before the relay ran
 * (its id, arrival, contract and dialect) and its body, read whole. The front door fills it either
 * straight from the request ({@link FrontDoor}, for the relay's fixed paths) or from vertx-web's
 * routing context (every other route), so the relay does not care which.
 *
 * @param body the request's body, null for a request without one (a model list)
 * @param dialect the client's dialect: the route's when it says one, else the endpoint's
 * @param pathModel the model named in the path (Gemini's {@code models/{model}:...}), or null
 * @param clientContentType the client's Content-Type when it was a form's or multipart's (refused
 *     by the relay), else null
 */
record Inbound(HttpServerRequest request, Endpoint endpoint, Buffer body, long arrivedNanos, String requestId,
               ApiContract contract, Dialect dialect, String pathModel, String clientContentType) {

  /** The request of a vertx-web route, from what {@link Gateway#routes} put on its context. */
  static Inbound of(RoutingContext ctx, Endpoint endpoint) {
    Dialect routed = ctx.get(RelayHandler.DIALECT);
    Long arrived = ctx.get(RelayHandler.ARRIVED);
    return new Inbound(ctx.request(), endpoint, endpoint == Endpoint.MODELS ? null : ctx.body().buffer(),
        arrived == null ? System.nanoTime() : arrived, ctx.get(RelayHandler.REQUEST_ID),
        RelayHandler.contractOf(ctx), routed != null ? routed : endpoint.dialect(), ctx.pathParam("model"),
        ctx.get(Gateway.CONTENT_TYPE));
  }
}
