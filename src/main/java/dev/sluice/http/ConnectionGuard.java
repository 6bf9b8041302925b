package dev.sluice.http;

import dev.sluice.error.ApiError;
import dev.sluice.error.ErrorRenderer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per HTTP/1.x connection, between the codec and Vert.x, on the connection's event loop:
 * <ul>
 *   <li>a request head must be complete {@code headerSeconds} after its first byte, a body
 *   {@code bodySeconds} after its head, else 408 and close (one timer at a time, cancelled when the
 *   part arrives or the connection closes; an idle keep-alive connection has none);</li>
 *   <li>a head that {@link MessageFraming} refuses is marked as a decoder failure, so Vert.x hands it
 *   to {@link InvalidRequestResponder}, and nothing after it on the connection is read;</li>
 *   <li>a malformed chunk gets 400 and close.</li>
 * </ul>
 * An error is written as a response only when no other response is on the wire; otherwise the
 * connection is just closed.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private enum State { BETWEEN_REQUESTS, HEAD, BODY, REFUSED }

  private final ErrorRenderer errors;
  private final HttpTimeouts timeouts;
  private ChannelHandlerContext ctx;
  private State state = State.BETWEEN_REQUESTS;
  private ScheduledFuture<?> deadline;
  /** Request heads handed to Vert.x, responses begun and finished (interim 1xx not counted). */
  private long heads;
  private long responsesBegun;
  private long responsesFinished;
  private boolean interim;

  ConnectionGuard(ErrorRenderer errors, HttpTimeouts timeouts) {
    this.errors = errors;
    this.timeouts = timeouts;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    ctx.fireChannelInactive();
  }

  /** From {@link FirstByteWatch}: bytes arrived, before the decoder saw them. */
  void bytesArrived() {
    if (state == State.BETWEEN_REQUESTS) {
      state = State.HEAD; // the deadline is armed once this read is done, if the head is still incomplete
    }
  }

  /**
   * The end of one read: a head or body still incomplete gets its deadline now. A request that came
   * whole in one read (nearly every one) thus never schedules a timer, where arming on its first byte
   * and again on its head scheduled and cancelled two per request. The deadlines count from within
   * the read that began the part, as before.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (deadline == null && (state == State.HEAD || state == State.BODY)) {
      arm(state == State.HEAD ? timeouts.headerSeconds() : timeouts.bodySeconds());
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.REFUSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      cancelDeadline();
      ApiError violation = request.decoderResult().isSuccess() ? MessageFraming.violation(request) : null;
      if (!request.decoderResult().isSuccess() || violation != null) {
        if (violation != null) {
          request.setDecoderResult(DecoderResult.failure(new ProtocolViolation(violation)));
        }
        // the answer is HTTP/1.1 whatever the request line said (Vert.x answers in the request's version)
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        state = State.REFUSED;
        ctx.fireChannelRead(msg);
        return;
      }
      heads++;
      state = State.BODY; // its deadline is armed at the end of the read, if the body is not all here
    }
    if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
      LOG.debug("malformed request body from {}: {}", ctx.channel().remoteAddress(),
          content.decoderResult().cause().getMessage());
      ReferenceCountUtil.release(msg);
      refuse(ProtocolErrors.malformedRequest("malformed chunked request body"));
      return;
    }
    if (msg instanceof LastHttpContent) {
      cancelDeadline();
      state = State.BETWEEN_REQUESTS;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpObject) {
      if (msg instanceof HttpResponse response) {
        interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!interim) {
          responsesBegun++;
        }
      }
      if (msg instanceof LastHttpContent && !interim) {
        responsesFinished++;
      }
    }
    ctx.write(msg, promise);
  }

  private void arm(int seconds) {
    cancelDeadline();
    deadline = ctx.executor().schedule(() -> expired(seconds), seconds, TimeUnit.SECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void expired(int seconds) {
    deadline = null;
    if (state != State.HEAD && state != State.BODY) {
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      // Vert.x holds the connection back (a response is still being written): not the client's delay
      arm(seconds);
      return;
    }
    String part = state == State.HEAD ? "headers" : "body";
    LOG.debug("request {} from {} incomplete after {} s", part, ctx.channel().remoteAddress(), seconds);
    refuse(ProtocolErrors.requestTimeout(part, seconds));
  }

  /** Answers {@code error} if no other response is under way, and closes the connection. */
  private void refuse(ApiError error) {
    long unanswered = heads - responsesFinished;
    boolean free = responsesBegun == responsesFinished && unanswered == (state == State.BODY ? 1 : 0);
    state = State.REFUSED;
    cancelDeadline();
    if (!free) {
      ctx.close();
      return;
    }
    byte[] body = errors.render(error).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(error.status()), Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
