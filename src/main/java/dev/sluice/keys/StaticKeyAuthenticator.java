package dev.sluice.keys;

import dev.sluice.error.ApiError;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/** Accepts one fixed key from the config, compared in constant time. */
public final class StaticKeyAuthenticator implements Authenticator {
  private final byte[] expectedHash;
  private final Principal principal;

  public StaticKeyAuthenticator(String key, String plan) {
    this.expectedHash = key == null || key.isEmpty() ? null : sha256(key);
    this.principal = new Principal("config", "config key", plan == null || plan.isEmpty() ? null : plan, Set.of());
  }

  /** Whether the presented key is the configured one (constant time). */
  public boolean matches(String presentedKey) {
    return expectedHash != null && presentedKey != null
        && MessageDigest.isEqual(expectedHash, sha256(presentedKey));
  }

  public Principal principal() {
    return principal;
  }

  @Override
  public Future<Principal> authenticate(String presentedKey) {
    return matches(presentedKey) ? Future.succeededFuture(principal)
        : Future.failedFuture(ApiError.invalidApiKey().exception());
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
