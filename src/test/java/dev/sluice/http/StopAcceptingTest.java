package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.error.ErrorRenderer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Once a stop has begun, a connection that arrives is closed before its request is read: the
 * server's shutdown waits only for the connections it knew of when it began, and would cut this one
 * in the middle of its answer.
 */
class StopAcceptingTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aConnectionArrivingOnceTheStopBeganIsClosedUnreadAndEarlierOnesAreServed() throws Exception {
    AtomicBoolean closing = new AtomicBoolean();
    AtomicInteger handled = new AtomicInteger();
    HttpServer server = HttpGuard.install(vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)), ErrorRenderer.of("openai"),
            ConnectionGuardTest.TIMEOUTS, closing::get)
        .requestHandler(req -> {
          handled.incrementAndGet();
          req.response().end("ok");
        });
    int port = server.listen(0, "127.0.0.1").await().actualPort();

    // (as the gateway's: without h2c, Vert.x makes the connection when it accepts it, not at its first bytes)
    try (Socket early = new Socket("127.0.0.1", port)) {
      assertThat(exchange(new Socket("127.0.0.1", port))).startsWith("HTTP/1.1 200");
      closing.set(true);
      assertThat(exchange(new Socket("127.0.0.1", port))).as("a connection after the stop began").isEmpty();
      // a connection the server had before the stop began is still served
      assertThat(exchange(early)).startsWith("HTTP/1.1 200");
    }
    assertThat(handled).as("requests the handler saw").hasValue(2);
  }

  /** One request with {@code Connection: close}; what came back before the server closed (empty if reset). */
  private static String exchange(Socket s) throws IOException {
    try (s) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException reset) {
        // the server closed with the request unread: the kernel resets the connection
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
