package dev.sluice.cli;

import dev.sluice.Wiring;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway (embedded defaults: SQLite file, in-memory limits).")
public final class ServeCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Wiring wiring;
    try {
      Config cfg = config.load();
      wiring = Wiring.start(cfg).await();
    } catch (ConfigException e) {
      System.err.println("sluice: configuration error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("sluice: cannot start: " + e.getMessage());
      return 1;
    }
    System.out.printf("sluice %s listening on port %d (started in %d ms)%n", VersionProvider.version(),
        wiring.port(), (System.nanoTime() - t0) / 1_000_000);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      wiring.close();
      // the access log is written asynchronously: flush it once the last request has finished
      if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext lc) {
        lc.stop();
      }
      stopped.countDown();
    }, "sluice-shutdown"));
    stopped.await();
    return 0;
  }
}
