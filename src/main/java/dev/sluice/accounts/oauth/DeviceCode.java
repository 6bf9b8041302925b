package dev.sluice.accounts.oauth;

import java.time.Duration;

/**
 * A pending device sign-in: show {@link #verificationUrl()} and {@link #userCode()} to the user,
 * then poll. The user code is short-lived and shown on purpose; the device auth id stays internal.
 */
public record DeviceCode(String verificationUrl, String userCode, String deviceAuthId, Duration interval) {
  @Override
  public String toString() {
    return "DeviceCode[verificationUrl=" + verificationUrl + ", interval=" + interval + "]";
  }
}
