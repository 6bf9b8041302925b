package dev.sluice.http;

import dev.sluice.config.Config;

/**
 * How long a client connection may take, from the {@code server:} config section.
 *
 * @param idleSeconds nothing read or written for this long closes the connection
 * @param headerSeconds a request head must be complete this long after its first byte
 * @param bodySeconds a request body must be complete this long after its head
 */
public record HttpTimeouts(int idleSeconds, int headerSeconds, int bodySeconds) {

  public static HttpTimeouts fromConfig(Config cfg) {
    return new HttpTimeouts(
        cfg.integer("server.idle_timeout_seconds", 1, 86_400),
        cfg.integer("server.request_header_timeout_seconds", 1, 3_600),
        cfg.integer("server.request_body_timeout_seconds", 1, 86_400));
  }
}
