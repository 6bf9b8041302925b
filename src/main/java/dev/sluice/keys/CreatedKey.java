package dev.sluice.keys;

/**
 * A key just created or rotated: the only moment its secret exists outside the client.
 * {@link #toString()} never shows the secret.
 */
public record CreatedKey(ApiKey key, String secret) {
  @Override
  public String toString() {
    return "CreatedKey[key=" + key + ", secret=<redacted>]";
  }
}
