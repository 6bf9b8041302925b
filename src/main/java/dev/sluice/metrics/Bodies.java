package dev.sluice.metrics;

/**
 * What the request log keeps of one request's bodies with {@code logging.bodies} on: the request body
 * as the client sent it and the answer as the gateway sent it (a JSON body, an error, or a stream's
 * events as written), each cut at {@link #LIMIT} bytes. Never a header: keys and tokens travel there.
 *
 * @param request the request body, or null when it had none (a GET, or refused before it was read)
 * @param answer the answer body, or null when none was written
 */
public record Bodies(String request, boolean requestTruncated, String answer, boolean answerTruncated) {
  /** The most kept of each body, in bytes (UTF-8). */
  public static final int LIMIT = 16 * 1024;
}
