package dev.sluice.provider;

import dev.sluice.error.ApiError;
import dev.sluice.error.FailureKind;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import dev.sluice.error.GatewayException;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Locale;

/** The one place where upstream trouble becomes a client-visible error. */
public final class UpstreamFailures {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailures.class);

  private UpstreamFailures() {
  }

  /** A transport failure (no usable HTTP answer). */
  public static ApiError fromThrowable(Throwable t) {
    if (t instanceof GatewayException g) {
      return g.error();
    }
    if (isTimeout(t)) {
      return ApiError.upstreamTimeout();
    }
    if (t instanceof ConnectException || t instanceof UnknownHostException
        || t.getCause() instanceof ConnectException) {
      return ApiError.upstreamUnavailable("upstream unavailable: connection failed");
    }
    if (t instanceof ClosedChannelException || t instanceof java.io.IOException) {
      return ApiError.upstreamUnavailable("upstream closed the connection");
    }
    if (t instanceof io.vertx.core.VertxException && t.getMessage() != null
        && t.getMessage().toLowerCase(Locale.ROOT).contains("closed")) {
      return ApiError.upstreamUnavailable("upstream closed the connection");
    }
    return ApiError.upstreamUnavailable("upstream request failed");
  }

  /** The upstream refused the gateway's credentials; logged loudly, answered as the gateway's failure. */
  public static ApiError credentialsRefused(String upstream, int status) {
    LOG.error("upstream '{}' refused the gateway's credentials (HTTP {}): check its API key or sign-in", upstream,
        status);
    return ApiError.upstreamAuthFailed(upstream, status);
  }

  /** A transport failure before any response byte, classified for fallback. */
  public static GatewayException transport(Throwable t) {
    if (t instanceof GatewayException g) {
      return g;
    }
    return fromThrowable(t).failure(isTimeout(t) ? FailureKind.TIMEOUT : FailureKind.UNREACHABLE);
  }

  private static boolean isTimeout(Throwable t) {
    return t instanceof TimeoutException || t instanceof ConnectTimeoutException
        || t.getClass().getSimpleName().contains("Timeout");
  }

  /** An upstream 5xx, classified for fallback. */
  public static GatewayException status(int status) {
    return fromStatus(status).failure(status == 503 || status == 529 ? FailureKind.OVERLOADED : FailureKind.SERVER_ERROR);
  }

  /** A 2xx body of upstream {@code name} that could not be read or translated: classified as its server's error. */
  public static GatewayException unreadableBody(String name) {
    return ApiError.upstreamError("upstream '" + name + "' returned an unreadable body").failure(FailureKind.SERVER_ERROR);
  }

  /** An upstream 5xx. */
  public static ApiError fromStatus(int status) {
    return ApiError.upstreamError("upstream service error (HTTP " + status + ")");
  }

  /** An upstream stream that broke after the client got its first byte. */
  public static ApiError midStream(Throwable t) {
    ApiError e = fromThrowable(t);
    if ("upstream_timeout".equals(e.code())) {
      return ApiError.of(504, ApiError.API, "upstream stalled: no data within the timeout", "upstream_timeout");
    }
    return ApiError.upstreamError("upstream stream ended unexpectedly");
  }

  /** {@code retry-after-ms}, else {@code Retry-After} in seconds; -1 when neither is usable. */
  public static long retryAfterMillis(MultiMap headers) {
    String ms = headers.get("retry-after-ms");
    try {
      if (ms != null) {
        return Long.parseLong(ms.trim());
      }
      String s = headers.get(HttpHeaders.RETRY_AFTER);
      if (s != null) {
        return Long.parseLong(s.trim()) * 1000L;
      }
    } catch (NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
