package dev.sluice.bytes;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Header names and values as Netty's {@link AsciiString}: written into the outgoing buffer with one
 * copy and hashed once, where a {@code String} is hashed on every put and written a character at a
 * time. For text that is ASCII (header names, numbers, ids, durations); anything else is replaced by
 * {@code ?}, as the HTTP encoder would.
 */
public final class Ascii {
  private Ascii() {
  }

  /** {@code s} as ASCII bytes, one copy. */
  public static AsciiString of(String s) {
    return new AsciiString(s.getBytes(StandardCharsets.ISO_8859_1), false);
  }

  /** The decimal digits of {@code n}, without a String between. */
  public static AsciiString of(long n) {
    if (n >= 0 && n < 10) {
      return DIGITS[(int) n];
    }
    byte[] buf = new byte[20];
    int at = buf.length;
    boolean negative = n < 0;
    long rest = negative ? n : -n;   // negative, so that Long.MIN_VALUE fits
    while (rest != 0) {
      buf[--at] = (byte) ('0' - (rest % 10));
      rest /= 10;
    }
    if (negative) {
      buf[--at] = '-';
    }
    return new AsciiString(buf, at, buf.length - at, false);
  }

  private static final AsciiString[] DIGITS = new AsciiString[10];

  static {
    for (int i = 0; i < 10; i++) {
      DIGITS[i] = AsciiString.cached(Integer.toString(i));
    }
  }
}
