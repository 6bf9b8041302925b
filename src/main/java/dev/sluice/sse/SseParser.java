package dev.sluice.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A push parser for {@code text/event-stream}: feed it bytes as they arrive from the network, in
 * chunks split anywhere (mid-line, mid-UTF-8 character, between CR and LF), and it emits each
 * complete event once. Lines end in LF, CR or CRLF; lines starting with ':' are comments; a field
 * name without a colon has an empty value; one space after the colon is dropped; a leading BOM is
 * skipped. Not thread-safe: one instance per stream.
 */
public final class SseParser {
  private final Consumer<SseEvent> sink;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean lastWasCr;
  private boolean atStart = true;
  private int bomMatched;

  private String eventName;
  private String lastId;
  private StringBuilder data;
  private boolean hasData;

  public SseParser(Consumer<SseEvent> sink) {
    this.sink = sink;
  }

  /** Feeds the next bytes of the stream. */
  public void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (atStart) {
        if (b == BOM[bomMatched]) {
          if (++bomMatched == BOM.length) {
            atStart = false;
          }
          continue;
        }
        atStart = false;
        if (bomMatched > 0) {
          // a partial BOM was not a BOM: keep its bytes
          for (int k = 0; k < bomMatched; k++) {
            append(BOM[k]);
          }
        }
      }
      if (b == '\n') {
        if (lastWasCr) {
          lastWasCr = false;
          continue;
        }
        endLine();
      } else if (b == '\r') {
        lastWasCr = true;
        endLine();
      } else {
        lastWasCr = false;
        append(b);
      }
    }
  }

  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /**
   * Ends the stream: a last line without its line end is processed, and an event whose blank
   * terminating line never came is still emitted when it carried data.
   */
  public void flush() {
    if (lineLength > 0) {
      endLine();
    }
    dispatch();
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private void append(byte b) {
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[lineLength++] = b;
  }

  private void endLine() {
    if (lineLength == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      lineLength = 0;
      return;
    }
    int colon = -1;
    for (int i = 0; i < lineLength; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    String field;
    String value;
    if (colon < 0) {
      field = new String(line, 0, lineLength, StandardCharsets.UTF_8);
      value = "";
    } else {
      field = new String(line, 0, colon, StandardCharsets.UTF_8);
      int start = colon + 1;
      if (start < lineLength && line[start] == ' ') {
        start++;
      }
      value = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    }
    lineLength = 0;
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n').append(value);
        } else {
          if (data == null) {
            data = new StringBuilder(Math.max(16, value.length()));
          }
          data.setLength(0);
          data.append(value);
          hasData = true;
        }
      }
      case "event" -> eventName = value;
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastId = value;
        }
      }
      default -> {
        // "retry" and unknown fields are ignored
      }
    }
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(new SseEvent(eventName, data.toString(), lastId));
    }
    hasData = false;
    eventName = null;
  }
}
