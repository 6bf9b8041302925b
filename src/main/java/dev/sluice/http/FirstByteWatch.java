package dev.sluice.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Sits before the HTTP decoder and tells the {@link ConnectionGuard} when request bytes arrive. */
final class FirstByteWatch extends ChannelInboundHandlerAdapter {
  private final ConnectionGuard guard;

  FirstByteWatch(ConnectionGuard guard) {
    this.guard = guard;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b && b.isReadable()) {
      guard.bytesArrived();
    }
    ctx.fireChannelRead(msg);
  }
}
