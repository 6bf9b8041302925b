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
  /** A line the last chunk ended inside of (null until one does): the rest comes with the next. */
  private byte[] line;
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

  /**
   * Feeds the next bytes of the stream. A line that lies whole in {@code bytes} is read where it is;
   * only one a chunk ends inside of is copied, to be completed by the next.
   */
  public void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (atStart && i < end) {
      byte b = bytes[i];
      if (b == BOM[bomMatched]) {
        i++;
        if (++bomMatched == BOM.length) {
          atStart = false;
        }
        continue;
      }
      atStart = false;
      // a partial BOM was not a BOM: keep its bytes
      keep(BOM, 0, bomMatched);
    }
    while (i < end) {
      if (lastWasCr) {
        lastWasCr = false;
        if (bytes[i] == '\n') {
          i++;
          continue;
        }
      }
      int j = i;
      while (j < end && bytes[j] != '\n' && bytes[j] != '\r') {
        j++;
      }
      if (j == end) {
        keep(bytes, i, end - i);
        return;
      }
      if (lineLength == 0) {
        line(bytes, i, j - i);
      } else {
        keep(bytes, i, j - i);
        int n = lineLength;
        lineLength = 0;
        line(line, 0, n);
      }
      lastWasCr = bytes[j] == '\r';
      i = j + 1;
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
      int n = lineLength;
      lineLength = 0;
      line(line, 0, n);
    }
    dispatch();
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] ID = {'i', 'd'};

  /** Appends {@code bytes[from, from + n)} to the line a chunk ended inside of. */
  private void keep(byte[] bytes, int from, int n) {
    if (n == 0) {
      return;
    }
    if (line == null) {
      line = new byte[Math.max(64, n)];
    } else if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
    }
    System.arraycopy(bytes, from, line, lineLength, n);
    lineLength += n;
  }

  /** One line, without its line end, at {@code b[off, off + len)}. */
  private void line(byte[] b, int off, int len) {
    if (len == 0) {
      dispatch();
      return;
    }
    if (b[off] == ':') {
      return;
    }
    int end = off + len;
    int colon = -1;
    for (int i = off; i < end; i++) {
      if (b[i] == ':') {
        colon = i;
        break;
      }
    }
    int nameEnd = colon < 0 ? end : colon;
    int start = colon < 0 ? end : colon + 1;
    if (start < end && b[start] == ' ') {
      start++;
    }
    if (is(b, off, nameEnd, DATA)) {
      String value = new String(b, start, end - start, StandardCharsets.UTF_8);
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
    } else if (is(b, off, nameEnd, EVENT)) {
      eventName = new String(b, start, end - start, StandardCharsets.UTF_8);
    } else if (is(b, off, nameEnd, ID)) {
      String value = new String(b, start, end - start, StandardCharsets.UTF_8);
      if (value.indexOf('\0') < 0) {
        lastId = value;
      }
    }
    // "retry" and unknown fields are ignored
  }

  private static boolean is(byte[] b, int from, int to, byte[] name) {
    return to - from == name.length && Arrays.equals(b, from, to, name, 0, name.length);
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(new SseEvent(eventName, data.toString(), lastId));
    }
    hasData = false;
    eventName = null;
  }
}
