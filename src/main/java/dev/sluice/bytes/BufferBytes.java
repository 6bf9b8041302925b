package dev.sluice.bytes;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The bytes of a Vert.x buffer as a range of an array, for the parsers that read arrays (JSON, SSE,
 * UTF-8 checks): the buffer's own backing array when it has one, so nothing is copied; a copy only
 * for a buffer without one (direct memory).
 */
public record BufferBytes(byte[] array, int offset, int length) {
  public static BufferBytes of(Buffer buffer) {
    ByteBuf bb = ((BufferInternal) buffer).getByteBuf();
    if (bb.hasArray()) {
      return new BufferBytes(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
    }
    byte[] copy = buffer.getBytes();
    return new BufferBytes(copy, 0, copy.length);
  }
}
