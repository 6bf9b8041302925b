package dev.sluice.bytes;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Header names and values as Netty's {@link AsciiString}: written into the outgoing buffer with one
 * copy and hashed once, where a {@code String} is hashed on every put and written a character at a
 * time. For text that is ASCII (header names, numbers, ids, durations); a character above 255 becomes
 * {@code ?}, as the HTTP encoder would.
 */
public final class Ascii {
  private Ascii() {
  }

  /** {@code s} as ASCII bytes, one copy. */
  public static AsciiString of(String s) {
    return new AsciiString(s.getBytes(StandardCharsets.ISO_8859_1), false);
  }
}
