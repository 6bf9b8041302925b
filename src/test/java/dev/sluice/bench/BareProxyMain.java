package dev.sluice.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The floor under Sluice for bench/run.sh: a plain Vert.x reverse proxy with the server and client
 * options Sluice uses (native transport, TCP_NODELAY both sides, strict thread mode, a kept-alive
 * upstream pool), which forwards each request's body to the fake and its answer back, and does
 * nothing else (no routing, no keys, no parsing). What it costs per request next to nginx is what
 * the framework costs; what Sluice costs above it is Sluice's own work.
 *
 * <p>Arguments: the port file to write, the upstream's port, the upstream's bearer token.
 */
public final class BareProxyMain {
  private BareProxyMain() {
  }

  public static void main(String[] args) throws Exception {
    Path portFile = Path.of(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    String auth = "Bearer " + args[2];
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    HttpClient client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true).setDecompressionSupported(false))
        .with(new PoolOptions().setHttp1MaxSize(1_000))
        .build();
    int port = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true)
            .setCompressionSupported(false).setStrictThreadMode(true)
            .setPerFrameWebSocketCompressionSupported(false).setPerMessageWebSocketCompressionSupported(false))
        .requestHandler(req -> forward(client, upstreamPort, auth, req))
        .listen().await().actualPort();
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port));
    Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }

  private static void forward(HttpClient client, int upstreamPort, String auth, HttpServerRequest req) {
    req.body()
        .compose(body -> client.request(new RequestOptions().setMethod(req.method()).setHost("127.0.0.1")
                .setPort(upstreamPort).setURI(req.uri())
                .putHeader("Content-Type", "application/json").putHeader("Authorization", auth))
            .compose(up -> up.send(body))
            .compose(resp -> resp.body().map(b -> {
              req.response().setStatusCode(resp.statusCode())
                  .putHeader("Content-Type", resp.getHeader("Content-Type")).end(b);
              return null;
            })))
        .onFailure(t -> {
          if (!req.response().ended()) {
            req.response().setStatusCode(502).end();
          }
        });
  }
}
