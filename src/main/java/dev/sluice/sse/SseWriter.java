package dev.sluice.sse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Encodes events in {@code text/event-stream} framing; one event is one buffer (one flush). */
public final class SseWriter {
  private SseWriter() {
  }

  public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  public static Buffer encode(SseEvent e) {
    StringBuilder sb = new StringBuilder(e.data().length() + 32);
    if (e.event() != null) {
      sb.append("event: ").append(e.event()).append('\n');
    }
    if (e.id() != null) {
      sb.append("id: ").append(e.id()).append('\n');
    }
    appendData(sb, e.data());
    sb.append('\n');
    return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A data-only event. */
  public static Buffer data(String data) {
    StringBuilder sb = new StringBuilder(data.length() + 8);
    appendData(sb, data);
    sb.append('\n');
    return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void appendData(StringBuilder sb, String data) {
    int start = 0;
    while (true) {
      int nl = data.indexOf('\n', start);
      sb.append("data: ");
      if (nl < 0) {
        sb.append(data, start, data.length()).append('\n');
        return;
      }
      sb.append(data, start, nl).append('\n');
      start = nl + 1;
    }
  }
}
