package dev.sluice.accounts.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/** Polls a device sign-in until the user approves it (blocking; for the CLI). */
public final class DeviceLogin {
  /** Waits between polls; tests pass one that returns at once. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private DeviceLogin() {
  }

  /** Polls every {@code code.interval()} (at least one second in real use) until approved or {@code maxWait}. */
  public static TokenResponse await(OAuthClient client, DeviceCode code, Duration maxWait, Clock clock,
                                    Sleeper sleeper) throws InterruptedException {
    Instant deadline = clock.instant().plus(maxWait);
    while (true) {
      Optional<TokenResponse> r;
      try {
        r = client.pollDeviceCode(code).get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof OAuthException o ? o : new OAuthException("device sign-in failed", e.getCause());
      }
      if (r.isPresent()) {
        return r.get();
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new OAuthException(0, "expired_token", "device sign-in timed out after " + maxWait.toMinutes() + " minutes");
      }
      sleeper.sleep(code.interval());
    }
  }
}
