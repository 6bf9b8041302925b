package dev.sluice.ratelimit;

import dev.sluice.keys.Principal;
import dev.sluice.api.EndpointClass;
import io.vertx.core.Future;

/** Admits or rejects requests per key and endpoint class. Implementations never block. */
public interface RateLimiter {
  /** Counts one request when admitted; a rejected request is not counted. */
  Future<Admission> admit(Principal principal, EndpointClass endpointClass);

  /** Records tokens a finished request used, for the tokens-per-minute limit. */
  void recordTokens(Principal principal, EndpointClass endpointClass, long tokens);

  /** A limiter that admits everything and sets no headers. */
  static RateLimiter unlimited() {
    return new RateLimiter() {
      @Override
      public Future<Admission> admit(Principal principal, EndpointClass endpointClass) {
        return Future.succeededFuture(Admission.UNLIMITED);
      }

      @Override
      public void recordTokens(Principal principal, EndpointClass endpointClass, long tokens) {
      }
    };
  }
}
