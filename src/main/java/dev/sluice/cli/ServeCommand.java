package dev.sluice.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.sluice.Wiring;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.logging.LogSettings;
import dev.sluice.logging.Logging;
import java.nio.file.Path;
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

  /**
   * {@code serve}, {@code serve -c FILE} or {@code serve --config FILE} (or {@code --config=FILE})
   * run without picocli, whose classes (too old a class-file version for the AOT cache, so loaded and
   * verified on every start) were a third of the server's start-up. Returns null for any other
   * arguments, which picocli then parses (help, errors, ...).
   */
  public static Integer callPlain(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("serve")) {
      return null;
    }
    Path file = null;
    if (args.length == 2 && args[1].startsWith("--config=") && args[1].length() > 9) {
      file = Path.of(args[1].substring(9));
    } else if (args.length == 3 && (args[1].equals("-c") || args[1].equals("--config")) && !args[2].startsWith("-")) {
      file = Path.of(args[2]);
    } else if (args.length != 1) {
      return null;
    }
    ServeCommand serve = new ServeCommand();
    serve.config = new ConfigOption();
    serve.config.file = file;
    return serve.call();
  }

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Wiring wiring;
    try {
      Config cfg = config.load();
      Logging.configure(LogSettings.fromConfig(cfg, System.getenv()));
      for (String unknown : cfg.unknownSettings()) {
        LOG.warn("configuration: '{}' is not a setting of Sluice and is ignored (the README lists them)", unknown);
      }
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
