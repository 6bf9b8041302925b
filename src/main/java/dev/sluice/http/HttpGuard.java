package dev.sluice.http;

import dev.sluice.error.ErrorRenderer;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.BooleanSupplier;

/**
 * The HTTP/1.1 protocol layer of the server, in front of the routes: malformed, smuggling-prone and
 * unsupported-version requests get the error envelope and a closed connection, and slow heads and
 * bodies a deadline. Vert.x's public {@code invalidRequestHandler} answers what the codec refused;
 * the deadlines and framing checks need the connection's Netty pipeline.
 */
public final class HttpGuard {
  /** Names Vert.x gives the codec's handlers in an HTTP/1.x pipeline. */
  private static final String DECODER = "httpDecoder";
  private static final String ENCODER = "httpEncoder";

  private HttpGuard() {
  }

  /**
   * Installs the guard on {@code server}; call before {@code listen}. A connection that arrives once
   * {@code closing} says so is closed before any of its requests is read: a stop has begun, and the
   * server's shutdown would close it with the rest, in the middle of whatever it was answering (the
   * shutdown waits only for the connections it knew of when it began).
   */
  public static HttpServer install(HttpServer server, ErrorRenderer errors, HttpTimeouts timeouts,
                                   BooleanSupplier closing) {
    return server
        .invalidRequestHandler(new InvalidRequestResponder(errors))
        .connectionHandler(conn -> {
          if (closing.getAsBoolean()) {
            conn.close();
            return;
          }
          if (conn instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get(DECODER) != null && pipeline.get(ENCODER) != null) {
              ConnectionGuard guard = new ConnectionGuard(errors, timeouts);
              pipeline.addBefore(DECODER, "sluiceFirstByte", new FirstByteWatch(guard));
              pipeline.addAfter(ENCODER, "sluiceGuard", guard);
            }
          }
        });
  }
}
