package dev.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port to a real server (Redis, PostgreSQL), which a test can make fail
 * the way a network does after a good connection: {@link #silence()} (the server's host vanished:
 * bytes are accepted and never answered), {@link #cut()} (the server died: connections closed, new
 * ones closed at once) and {@link #restore()} (new connections work again; a silenced one stays
 * silent, as a TCP session lost with its host does).
 */
public final class TcpProxy implements AutoCloseable {
  private enum Mode { FORWARD, SILENT, CLOSED }

  private final ServerSocket server;
  private final String host;
  private final int port;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.FORWARD;

  private TcpProxy(String host, int port) throws IOException {
    this.host = host;
    this.port = port;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("tcp-proxy-accept").start(this::accept);
  }

  /** Relays a new loopback port to {@code host:port}. */
  public static TcpProxy to(String host, int port) throws IOException {
    return new TcpProxy(host, port);
  }

  /** The port to connect to instead of the server's. */
  public int port() {
    return server.getLocalPort();
  }

  /** Connections open now and later forward nothing more (each side's writes are swallowed). */
  public void silence() {
    mode = Mode.SILENT;
    links.forEach(l -> l.silent = true);
  }

  /** Connections open now are closed, later ones are closed as soon as they are accepted. */
  public void cut() {
    mode = Mode.CLOSED;
    links.forEach(Link::close);
  }

  /** New connections are relayed again; those silenced or cut stay so. */
  public void restore() {
    mode = Mode.FORWARD;
  }

  private void accept() {
    try {
      while (true) {
        Socket client = server.accept();
        if (mode == Mode.CLOSED) {
          client.close();
          continue;
        }
        Link l = new Link(client, mode == Mode.SILENT);
        links.add(l);
        Thread.ofPlatform().daemon().name("tcp-proxy-link").start(l::open);
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** One client connection and its connection to the server. */
  private final class Link {
    final Socket client;
    volatile Socket upstream;
    volatile boolean silent;

    Link(Socket client, boolean silent) {
      this.client = client;
      this.silent = silent;
    }

    void open() {
      try {
        upstream = new Socket(host, port);
        Thread.ofPlatform().daemon().name("tcp-proxy-up").start(() -> pump(client, upstream));
        pump(upstream, client);
      } catch (IOException e) {
        close();
      }
    }

    void pump(Socket from, Socket to) {
      byte[] buf = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (!silent) {
            out.write(buf, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // one side closed
      }
      if (!silent) {
        close();
      }
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
      links.remove(this);
    }
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    links.forEach(Link::close);
  }
}
