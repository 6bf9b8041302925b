package dev.sluice.keys;

import io.vertx.core.Future;

/** Resolves a presented bearer key to a {@link Principal}. Must not block the calling event loop. */
public interface Authenticator {
  /**
   * @param presentedKey the bearer token as sent, or null when absent
   * @return the principal, or a future failed with a {@code GatewayException} (401 invalid_api_key)
   */
  Future<Principal> authenticate(String presentedKey);
}
