package dev.sluice.metrics;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects one request's {@link Bodies} while it is relayed: the request body once, the answer as it is
 * written, both up to a limit; what comes after the limit is only counted. Made per request only with
 * {@code logging.bodies} on, used on that request's event loop.
 */
public final class BodyCapture {
  private final int limit;
  private byte[] request;
  private boolean requestTruncated;
  private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
  private boolean answered;
  private boolean answerTruncated;

  public BodyCapture(int limit) {
    this.limit = limit;
  }

  /** The request body as received (null or empty: none). */
  public void request(Buffer body) {
    if (body == null || body.length() == 0) {
      return;
    }
    requestTruncated = body.length() > limit;
    request = body.getBytes(0, Math.min(body.length(), limit));
  }

  /** The next bytes of the answer, as written to the client. */
  public void answer(Buffer chunk) {
    answered = true;
    int room = limit - answer.size();
    if (chunk.length() > room) {
      answerTruncated = true;
    }
    if (room > 0 && chunk.length() > 0) {
      answer.writeBytes(chunk.getBytes(0, Math.min(room, chunk.length())));
    }
  }

  /** The next text of the answer, as written to the client. */
  public void answer(String text) {
    answer(Buffer.buffer(text));
  }

  public Bodies bodies() {
    byte[] a = answer.toByteArray();
    return new Bodies(request == null ? null : text(request, requestTruncated), requestTruncated,
        answered ? text(a, answerTruncated) : null, answerTruncated);
  }

  /** UTF-8 text; a cut body loses the character the cut went through rather than ending in a broken one. */
  private static String text(byte[] b, boolean cut) {
    return new String(b, 0, cut ? wholeCharacters(b, b.length) : b.length, StandardCharsets.UTF_8);
  }

  /** The length of {@code b[0, len)} without a trailing incomplete UTF-8 sequence. */
  static int wholeCharacters(byte[] b, int len) {
    int i = len - 1;
    int continuation = 0;
    while (i >= 0 && continuation < 3 && (b[i] & 0xC0) == 0x80) {
      i--;
      continuation++;
    }
    if (i < 0) {
      return len;
    }
    int lead = b[i] & 0xFF;
    int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return len - i >= needed ? len : i;
  }
}
