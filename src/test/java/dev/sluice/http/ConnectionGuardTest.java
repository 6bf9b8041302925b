package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.error.ErrorRenderer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guard's timers on one connection: one while a request is being read, none left behind. */
class ConnectionGuardTest {
  static final HttpTimeouts TIMEOUTS = new HttpTimeouts(300, 10, 60);

  static EmbeddedChannel channel() {
    ConnectionGuard guard = new ConnectionGuard(ErrorRenderer.of("openai"), TIMEOUTS);
    return new EmbeddedChannel(new FirstByteWatch(guard), new HttpRequestDecoder(), new HttpResponseEncoder(), guard);
  }

  static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Nanoseconds until the next scheduled task, -1 when none is scheduled. */
  static long nextTimer(EmbeddedChannel ch) {
    return ch.runScheduledPendingTasks();
  }

  static void drainInbound(EmbeddedChannel ch) {
    for (Object m; (m = ch.readInbound()) != null; ) {
      ReferenceCountUtil.release(m);
    }
  }

  @Test
  void noTimerBetweenRequestsAndNoneLeftAfterCompleteOnes() {
    EmbeddedChannel ch = channel();
    assertThat(nextTimer(ch)).as("idle connection").isEqualTo(-1);
    for (int i = 0; i < 100; i++) {
      ch.writeInbound(bytes("POST /v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    drainInbound(ch);
    assertThat(nextTimer(ch)).as("after 200 complete requests").isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  @Test
  void aPartialHeadHasTheHeaderDeadlineAndAPartialBodyTheBodyDeadline() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes("GET / HTTP/1.1\r\nHo"));
    assertThat(nextTimer(ch)).isBetween(TimeUnit.SECONDS.toNanos(9), TimeUnit.SECONDS.toNanos(10));
    ch.writeInbound(bytes("st: x\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{"));
    drainInbound(ch);
    assertThat(nextTimer(ch)).isBetween(TimeUnit.SECONDS.toNanos(59), TimeUnit.SECONDS.toNanos(60));
    ch.writeInbound(bytes("}   "));
    drainInbound(ch);
    assertThat(nextTimer(ch)).isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  @Test
  void anExpiredHeadGets408AndTheConnectionCloses() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes("GET / HTTP/1.1\r\n"));
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ByteBuf out = ch.readOutbound();
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408 ").contains("\"request_timeout\"");
    out.release();
    assertThat(ch.isOpen()).isFalse();
    assertThat(nextTimer(ch)).isEqualTo(-1);
  }
}
