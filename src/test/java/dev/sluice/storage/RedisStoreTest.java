package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Config;
import dev.sluice.testing.TcpProxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link RedisStore} against the real Redis, through a relay the test can cut. */
class RedisStoreTest {
  @Test
  void aSubscribeRetriedAfterItFailedDeliversEachMessageOnce() throws Exception {
    TestRedis.require();
    URI redis = URI.create(TestRedis.URL);
    String channel = "sluice:test:" + UUID.randomUUID();
    List<String> received = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(redis.getHost(), redis.getPort());
         RedisStore store = RedisStore.fromConfig(Config.fromYaml(Map.of(), """
             redis:
               url: "redis://127.0.0.1:%d"
               timeout_millis: 500
             """.formatted(proxy.port())))) {
      store.subscribe("sluice:test:other", m -> { }, () -> { });
      proxy.cut();
      assertThatThrownBy(() -> store.subscribe(channel, received::add, () -> { }))
          .as("subscribing while Redis is gone").isInstanceOf(RuntimeException.class);
      proxy.restore();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          store.subscribe(channel, received::add, () -> { });
          break;
        } catch (RuntimeException e) {
          assertThat(System.nanoTime()).as("subscribed again within 30 s: %s", e).isLessThan(deadline);
          Thread.sleep(100);
        }
      }

      assertThat(store.publish(channel, "key_1").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(1);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (received.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      Thread.sleep(200); // a second delivery would come right after the first
      assertThat(received).as("deliveries of one message").containsExactly("key_1");
    }
  }

  @Test
  void aConnectionThatWentSilentIsReplaced() throws Exception {
    TestRedis.require();
    URI redis = URI.create(TestRedis.URL);
    RedisStore.Script ping = RedisStore.Script.of("return {1}");
    try (TcpProxy proxy = TcpProxy.to(redis.getHost(), redis.getPort());
         RedisStore store = RedisStore.fromConfig(Config.fromYaml(Map.of(), """
             redis:
               url: "redis://127.0.0.1:%d"
               timeout_millis: 200
             """.formatted(proxy.port())))) {
      assertThat(store.eval(ping, new String[0]).get(5, TimeUnit.SECONDS)).containsExactly(1L);
      proxy.silence();
      proxy.restore(); // the open connection stays silent; a new one would be relayed
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      int failures = 0;
      while (true) {
        try {
          assertThat(store.eval(ping, new String[0]).get(5, TimeUnit.SECONDS)).containsExactly(1L);
          break;
        } catch (ExecutionException e) {
          failures++;
          assertThat(System.nanoTime()).as("answering again within 15 s (%d failures)", failures).isLessThan(deadline);
          Thread.sleep(100);
        }
      }
      assertThat(failures).as("commands that failed on the silent connection").isPositive();
    }
  }
}
