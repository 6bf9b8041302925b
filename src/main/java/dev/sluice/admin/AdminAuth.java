package dev.sluice.admin;

import dev.sluice.error.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin key ({@code auth.admin_api_key}), kept only as its SHA-256 and compared in constant time. With
 * no key configured nothing is admitted and the admin routes answer 404, as if they were not there.
 */
public final class AdminAuth {
  private final byte[] hash;

  private AdminAuth(byte[] hash) {
    this.hash = hash;
  }

  public static AdminAuth of(String adminKey) {
    return new AdminAuth(adminKey == null || adminKey.isBlank() ? null : sha256(adminKey.trim()));
  }

  public boolean configured() {
    return hash != null;
  }

  /** Whether {@code presented} is the admin key. */
  public boolean matches(String presented) {
    return hash != null && presented != null && !presented.isEmpty()
        && MessageDigest.isEqual(sha256(presented.trim()), hash);
  }

  /** The {@code Authorization: Bearer <admin key>} check, answering 404 (no key configured) or 401. */
  public Handler<RoutingContext> bearer() {
    return ctx -> {
      if (hash == null) {
        AdminApi.fail(ctx, ApiError.unsupportedEndpoint(ctx.request().path()));
        return;
      }
      String header = ctx.request().getHeader("Authorization");
      String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
          ? header.substring(7).trim() : "";
      if (!matches(presented)) {
        AdminApi.fail(ctx, ApiError.of(401, ApiError.AUTHENTICATION, "invalid admin key", "invalid_api_key"));
        return;
      }
      ctx.next();
    };
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
