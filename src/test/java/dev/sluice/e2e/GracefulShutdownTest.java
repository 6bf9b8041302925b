package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.keys.KeyService;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} as a real process under concurrent load, stopped with SIGTERM: every request
 * that got an HTTP response has its usage row, and its stdout never shows a secret.
 */
class GracefulShutdownTest {
  static final int CLIENTS = 8;

  @TempDir
  Path dir;

  @Test
  void sigtermUnderLoadLosesNoUsageRecord() throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeOpenAI fake = FakeOpenAI.start(vertx);
    Path db = dir.resolve("sluice.db");
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg, """
        server:
          listen: "127.0.0.1:0"
        auth:
          downstream_api_key: "%s"
        storage:
          url: "jdbc:sqlite:%s"
        upstream:
          mode: openai_api
          base_url: "%s"
          api_key: "%s"
        usage:
          flush_interval_millis: 5000
        """.formatted(GatewayHarness.KEY, db, fake.baseUrl(), GatewayHarness.UPSTREAM_KEY));
    SluiceProcess sluice = SluiceProcess.serve(cfg);
    Process p = sluice.process;
    try {
      AtomicInteger port = new AtomicInteger(sluice.awaitPort());

      AtomicInteger responded = new AtomicInteger();
      AtomicInteger completed = new AtomicInteger();
      AtomicInteger cut = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch warm = new CountDownLatch(100);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; !stop.get(); i++) {
            boolean stream = (i + client) % 2 == 0;
            String body = "{\"model\":\"gpt-4o\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi [chunks=5] [interval_ms=10]\"}]}";
            try {
              int status = RawHttp.status(port.get(), "POST", "/v1/chat/completions",
                  body.getBytes(StandardCharsets.UTF_8), 30_000,
                  "Authorization", "Bearer " + GatewayHarness.KEY, "Content-Type", "application/json");
              if (status > 0) {
                responded.incrementAndGet();
                if (status == 200) {
                  completed.incrementAndGet();
                }
              }
              warm.countDown();
            } catch (IOException e) {
              if (!p.isAlive() || e instanceof ConnectException) {
                return;
              }
              cut.incrementAndGet(); // the stopping gateway closed the connection before answering
            }
          }
        }));
      }
      assertThat(warm.await(60, TimeUnit.SECONDS)).as("load running").isTrue();
      sluice.stop();
      stop.set(true);
      for (Thread t : clients) {
        t.join(60_000);
      }
      List<String> output = new ArrayList<>(sluice.stdout);
      output.addAll(sluice.stderr);

      long rows;
      long cutRows;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
           ResultSet rs = c.createStatement().executeQuery(
               "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 499 THEN 1 ELSE 0 END), 0) FROM usage_records")) {
        rs.next();
        rows = rs.getLong(1);
        cutRows = rs.getLong(2);
      }
      System.out.println("GracefulShutdownTest: " + responded.get() + " responses (" + completed.get()
          + " complete 200s), " + cut.get() + " connections closed unanswered, " + rows + " usage rows");
      // every answered request has its row; a 499 row is a request whose connection the stop closed
      // before it was answered (these clients never hang up), and there are no more of those than cuts
      assertThat(rows - cutRows).as("usage rows of answered requests; output tail %s", tail(output))
          .isEqualTo(responded.get());
      assertThat(cutRows).as("499 rows vs connections closed unanswered").isLessThanOrEqualTo(cut.get());
      assertThat(rows).isGreaterThanOrEqualTo(completed.get());

      List<String> secrets = List.of(GatewayHarness.KEY, GatewayHarness.UPSTREAM_KEY,
          KeyService.hash(GatewayHarness.KEY), KeyService.hash(GatewayHarness.UPSTREAM_KEY));
      AdminAndSecretsHttpTest.assertNoSecret(output, secrets);
      long accessLines = output.stream().filter(l -> l.contains("sluice.access") && l.contains("request_id=")).count();
      assertThat(accessLines).as("one access line per request the gateway handled").isEqualTo(rows);
    } finally {
      sluice.close();
      fake.close();
      vertx.close().await();
    }
  }

  static List<String> tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 15), lines.size());
  }
}
