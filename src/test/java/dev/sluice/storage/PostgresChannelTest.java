package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.testing.TcpProxy;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link PostgresChannel} on the real PostgreSQL, its LISTEN connection through a relay the test silences. */
class PostgresChannelTest {
  static final String CHANNEL = "sluice_channel_test";

  @Test
  void aListenConnectionWhoseHostWentSilentIsNoticedAndReplacedAndNotificationsArriveAgain() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(PostgresChannel.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    URI server = URI.create(TestDatabases.PG_URL.substring("jdbc:".length()));
    List<String> received = new CopyOnWriteArrayList<>();
    AtomicInteger connects = new AtomicInteger();
    try (TestDatabases.TestDb pg = TestDatabases.postgres();
         TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
         Database viaProxy = Database.open(pg.url().replace(server.getHost() + ":" + server.getPort(),
             "127.0.0.1:" + proxy.port()), pg.username(), "", 1);
         PostgresChannel channel = PostgresChannel.listen(viaProxy, CHANNEL, received::add, connects::incrementAndGet,
             300, 1)) {
      await(() -> connects.get() == 1, "listening");
      PostgresChannel.send(pg.db(), CHANNEL, "before");
      await(() -> received.contains("before"), "first notification");

      // the host vanished for the connection open now (bytes go out, nothing comes back); new ones work
      proxy.silence();
      proxy.restore();
      await(() -> connects.get() == 2, "listening on a new connection");
      PostgresChannel.send(pg.db(), CHANNEL, "after");
      await(() -> received.contains("after"), "notification after the reconnect");
      assertThat(received).containsExactly("before", "after");
    } finally {
      logger.detachAppender(log);
    }
    List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(warnings).as("one warning for the outage").hasSize(1);
    assertThat(warnings.get(0)).contains(CHANNEL).contains("did not answer");
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("%s within 15 s", what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
