package dev.sluice.relay;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Google's stream framing without {@code alt=sse}: the responses as one JSON array, written element by
 * element as they come ({@code [} before the first, {@code ,} between, {@code ]} at the end). Each
 * event the mappers make is one SSE {@code data:} line holding one JSON object.
 */
final class JsonArrayFraming {
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private boolean started;

  /** One SSE event as the array's next element. */
  Buffer element(Buffer sseEvent) {
    Buffer out = Buffer.buffer(sseEvent.length() + 4).appendString(started ? ",\r\n" : "[");
    started = true;
    return out.appendBuffer(payload(sseEvent));
  }

  /** What closes the array. */
  Buffer end() {
    Buffer out = Buffer.buffer(started ? "]" : "[]");
    started = true;
    return out;
  }

  /** The array's last element, {@code json}, and its close. */
  Buffer end(Buffer json) {
    Buffer out = Buffer.buffer(json.length() + 4).appendString(started ? ",\r\n" : "[").appendBuffer(json)
        .appendString("]");
    started = true;
    return out;
  }

  /** The data of a {@code data: ...} event, without the field name and the blank line after it. */
  static Buffer payload(Buffer sseEvent) {
    int start = 0;
    int end = sseEvent.length();
    if (end >= DATA.length && sseEvent.getString(0, DATA.length, "US-ASCII").equals("data:")) {
      start = DATA.length;
      if (start < end && sseEvent.getByte(start) == ' ') {
        start++;
      }
    }
    while (end > start && (sseEvent.getByte(end - 1) == '\n' || sseEvent.getByte(end - 1) == '\r')) {
      end--;
    }
    return sseEvent.slice(start, end);
  }
}
