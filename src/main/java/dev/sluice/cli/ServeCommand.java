package dev.sluice.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.sluice.Wiring;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.logging.LogSettings;
import dev.sluice.logging.Logging;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway (embedded defaults: SQLite file, in-memory limits).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger("sluice");

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Wiring wiring;
    try {
      Config cfg = config.load();
      Logging.configure(LogSettings.fromConfig(cfg, System.getenv()));
      wiring = Wiring.start(cfg).await();
    } catch (ConfigException e) {
      System.err.println("sluice: configuration error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("sluice: cannot start: " + e.getMessage());
      return 1;
    }
    long startedMillis = (System.nanoTime() - t0) / 1_000_000;
    LOG.atInfo().addKeyValue("version", VersionProvider.version()).addKeyValue("port", wiring.port())
        .addKeyValue("startup_ms", startedMillis)
        .log("sluice {} listening on port {} (started in {} ms)", VersionProvider.version(), wiring.port(), startedMillis);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      wiring.close();
      // the access log is written asynchronously: flush it once the last request has finished
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
        lc.stop();
      }
      stopped.countDown();
    }, "sluice-shutdown"));
    stopped.await();
    return 0;
  }
}
