package dev.sluice.accounts.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A browser sign-in in progress (used by the CLI, not by the gateway): a callback server on the
 * loopback interface at {@code oauth.redirect_port} (0 picks a free port) and, at the same time, a
 * reader of pasted callback URLs for users whose browser cannot reach this host. Whichever brings a
 * code with the right state first wins; {@link #result()} then completes with the exchanged tokens.
 */
public final class BrowserLogin implements AutoCloseable {
  private final OAuthClient client;
  private final Pkce pkce = Pkce.generate();
  private final String state = Pkce.randomToken();
  private final CompletableFuture<TokenResponse> result = new CompletableFuture<>();
  private final Consumer<String> notice;
  private final HttpServer server;
  private final ExecutorService serverThreads;
  private final String redirectUri;
  private boolean accepted;

  private BrowserLogin(OAuthClient client, Consumer<String> notice) throws IOException {
    this.client = client;
    this.notice = notice;
    OAuthSettings s = client.settings();
    this.server = bind(s);
    this.redirectUri = s.redirectUri(server.getAddress().getPort());
    this.serverThreads = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sluice-oauth-callback");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(serverThreads);
    server.createContext(s.redirectPath(), this::onCallback);
    server.start();
  }

  /**
   * Starts the callback server and, when {@code pasted} is not null, a daemon thread reading pasted
   * callback URLs from it line by line.
   *
   * @param notice receives short messages for the user (never a token)
   */
  public static BrowserLogin start(OAuthClient client, InputStream pasted, Consumer<String> notice) throws IOException {
    BrowserLogin login = new BrowserLogin(client, notice);
    if (pasted != null) {
      Thread reader = new Thread(() -> login.readPasted(pasted), "sluice-oauth-paste");
      reader.setDaemon(true);
      reader.start();
    }
    return login;
  }

  public URI authorizeUrl() {
    return client.authorizeUrl(pkce, state, redirectUri);
  }

  public String redirectUri() {
    return redirectUri;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Completes with the issued tokens, or exceptionally with an {@link OAuthException}. */
  public CompletableFuture<TokenResponse> result() {
    return result;
  }

  /**
   * Offers a callback (from the server or pasted). Returns false when it was ignored: wrong state,
   * or a code was already accepted.
   */
  public boolean offer(CallbackParams p) {
    synchronized (this) {
      if (accepted || result.isDone()) {
        return false;
      }
      if (p.state() == null || !p.state().equals(state)) {
        return false;
      }
      accepted = true;
    }
    if (p.error() != null) {
      result.completeExceptionally(new OAuthException(0, p.error(), "sign-in refused: " + p.error()
          + (p.errorDescription() == null ? "" : " (" + p.errorDescription() + ")")));
    } else {
      client.exchangeCode(p.code(), pkce.verifier(), redirectUri).whenComplete((t, e) -> {
        if (e != null) {
          result.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause() : e);
        } else {
          result.complete(t);
        }
      });
    }
    return true;
  }

  private void onCallback(HttpExchange ex) throws IOException {
    try (ex) {
      Optional<CallbackParams> p = CallbackParams.fromQuery(ex.getRequestURI().getRawQuery());
      if (p.isEmpty() || !offer(p.get())) {
        respond(ex, 400, "This sign-in link is not valid for the running <code>sluice auth login</code>.");
        return;
      }
      String page;
      int status;
      try {
        result.get(60, TimeUnit.SECONDS);
        page = "Signed in. You can close this window and return to the terminal.";
        status = 200;
      } catch (Exception e) {
        page = "Sign-in failed; see the terminal for details.";
        status = 400;
      }
      respond(ex, status, page);
    }
  }

  private static void respond(HttpExchange ex, int status, String message) throws IOException {
    byte[] body = ("<!doctype html><html><head><title>Sluice sign-in</title></head><body><p>" + message
        + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  private void readPasted(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while (!result.isDone() && (line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        Optional<CallbackParams> p = CallbackParams.parsePasted(line);
        if (p.isEmpty()) {
          notice.accept("That is not the callback URL; paste the whole address from the browser's address bar.");
        } else if (!offer(p.get()) && !result.isDone()) {
          notice.accept("That callback URL belongs to another sign-in attempt; paste the one from this attempt.");
        }
      }
    } catch (IOException e) {
      // stdin closed: the callback server still works
    }
  }

  private static HttpServer bind(OAuthSettings s) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      return HttpServer.create(new InetSocketAddress(loopback, s.redirectPort()), 0);
    } catch (BindException e) {
      if (s.redirectFallbackPort() <= 0 || s.redirectFallbackPort() == s.redirectPort()) {
        throw new IOException("port " + s.redirectPort() + " is in use; free it or use --device", e);
      }
      try {
        return HttpServer.create(new InetSocketAddress(loopback, s.redirectFallbackPort()), 0);
      } catch (BindException e2) {
        throw new IOException("ports " + s.redirectPort() + " and " + s.redirectFallbackPort()
            + " are in use; free one or use --device", e2);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    serverThreads.shutdownNow();
  }
}
