package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.error.GatewayException;
import dev.sluice.provider.Prefetch;
import dev.sluice.provider.ReplayStream;
import dev.sluice.sse.SseParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prefetch decides on the first output; the replayed stream gives the relay every byte once, in order. */
class PrefetchTest {
  /** A stream the test pushes into; it honours pause. */
  static final class Pushed implements ReadStream<Buffer> {
    Handler<Buffer> handler;
    Handler<Void> end;
    boolean paused = true;
    final List<Object> queue = new ArrayList<>();

    void push(String s) {
      queue.add(Buffer.buffer(s));
      drain();
    }

    void finish() {
      queue.add("end");
      drain();
    }

    private void drain() {
      while (!paused && !queue.isEmpty()) {
        Object o = queue.remove(0);
        if (o instanceof Buffer b) {
          handler.handle(b);
        } else {
          end.handle(null);
        }
      }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
      handler = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      paused = false;
      drain();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return resume();
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      end = h;
      return this;
    }
  }

  static String ev(String json) {
    return "data: " + json + "\n\n";
  }

  static final String CREATED = ev("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"created_at\":1}}");
  static final String DELTA = ev("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"content_index\":0,\"delta\":\"hi\"}");
  static final String FAILED = ev("{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}}");
  static final String COMPLETED = ev("{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[]}}");

  static ChatStream chat() {
    return new ChatStream("m", false, Clock.systemUTC(), null);
  }

  /** Reads a replayed stream as the relay does; returns the client's events. */
  static List<String> relay(ReadStream<Buffer> source, CodexStream mapper, boolean[] ended) {
    List<String> out = new ArrayList<>();
    SseParser parser = new SseParser(e -> mapper.onEvent(e, b -> out.add(b.toString().trim())));
    source.handler(b -> parser.feed(b.getBytes()));
    source.endHandler(v -> {
      mapper.onEnd(b -> out.add(b.toString().trim()));
      ended[0] = true;
    });
    source.resume();
    return out;
  }

  @Test
  void failureBeforeOutputFailsThePrefetch() {
    Pushed up = new Pushed();
    Future<Prefetch.Head> f = Prefetch.run(up, chat(), () -> { });
    up.push(CREATED);
    assertThat(f.isComplete()).isFalse();
    up.push(FAILED);
    assertThat(f.failed()).isTrue();
    assertThat(((GatewayException) f.cause()).error().code()).isEqualTo("server_error");
  }

  @Test
  void firstOutputCommitsAndEverythingIsReplayedOnce() {
    Pushed up = new Pushed();
    Future<Prefetch.Head> f = Prefetch.run(up, chat(), () -> { });
    up.push(CREATED + DELTA.substring(0, 10));
    assertThat(f.isComplete()).isFalse();
    up.push(DELTA.substring(10) + DELTA);
    assertThat(f.succeeded()).isTrue();
    assertThat(up.paused).isTrue();
    up.push(COMPLETED);
    up.finish();
    boolean[] ended = {false};
    List<String> out = relay(new ReplayStream(up, f.result()), chat(), ended);
    assertThat(out).hasSize(4);
    assertThat(out.get(0)).contains("\"content\":\"hi\"").contains("\"role\":\"assistant\"");
    assertThat(out.get(1)).contains("\"content\":\"hi\"").doesNotContain("role");
    assertThat(out.get(2)).contains("\"finish_reason\":\"stop\"");
    assertThat(out.get(3)).isEqualTo("data: [DONE]");
    assertThat(ended[0]).isTrue();
  }

  /** Never commits and accepts any end: the upstream ends during the prefetch. */
  static final class Silent extends CodexStream {
    @Override
    void onJson(dev.sluice.sse.SseEvent raw, com.fasterxml.jackson.databind.JsonNode event,
                java.util.function.Consumer<Buffer> out) {
    }

    @Override
    public boolean committed() {
      return false;
    }

    @Override
    public void onEnd(java.util.function.Consumer<Buffer> out) {
    }

    @Override
    public dev.sluice.usage.TokenUsage usage() {
      return dev.sluice.usage.TokenUsage.NONE;
    }
  }

  @Test
  void streamThatEndedDuringPrefetchIsReplayedWithItsEnd() {
    Pushed up = new Pushed();
    Future<Prefetch.Head> f = Prefetch.run(up, new Silent(), () -> { });
    up.push(CREATED + DELTA);
    up.push(COMPLETED);
    up.finish();
    assertThat(f.succeeded()).isTrue();
    assertThat(f.result().ended()).isTrue();
    boolean[] ended = {false};
    List<String> out = relay(new ReplayStream(up, f.result()), chat(), ended);
    assertThat(out).hasSize(3);
    assertThat(out.get(2)).isEqualTo("data: [DONE]");
    assertThat(ended[0]).isTrue();
  }

  @Test
  void prematureEndBeforeOutputFailsThePrefetch() {
    Pushed up = new Pushed();
    Future<Prefetch.Head> f = Prefetch.run(up, chat(), () -> { });
    up.push(CREATED);
    up.finish();
    assertThat(f.failed()).isTrue();
    assertThat(((GatewayException) f.cause()).error().status()).isEqualTo(502);
  }
}
