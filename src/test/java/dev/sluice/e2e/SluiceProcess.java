package dev.sluice.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code sluice serve --config FILE} as a real process (the test's classpath), with its output lines. */
final class SluiceProcess implements AutoCloseable {
  /** The start-up line, text or JSON. */
  static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  final Process process;
  final List<String> stdout = new CopyOnWriteArrayList<>();
  final List<String> stderr = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final List<Thread> readers;

  private SluiceProcess(Process process) {
    this.process = process;
    readers = List.of(reader(process.getInputStream(), stdout), reader(process.getErrorStream(), stderr));
  }

  static SluiceProcess serve(Path config) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // as ./sluice runs it: Netty loads its epoll library (native access)
    return new SluiceProcess(new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"),
        "dev.sluice.Main", "serve", "--config", config.toString()).start());
  }

  private Thread reader(InputStream in, List<String> lines) {
    return Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException ignored) {
        // process gone
      }
    });
  }

  /** The port, waiting for the start-up line; fails with what the process printed. */
  int awaitPort() throws Exception {
    try {
      return port.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not started; stdout " + stdout + " stderr " + stderr);
    }
  }

  /** The port from the start-up line in {@code logFile} (logging.output set to a file). */
  int awaitPortIn(Path logFile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(logFile)) {
        for (String line : Files.readAllLines(logFile)) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not started; stdout " + stdout + " stderr " + stderr);
  }

  /** SIGTERM (a graceful stop), then waits for the exit and the last output lines. */
  void stop() throws InterruptedException {
    // Process.destroy() would also close our end of its stdout and lose its last lines
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("still running 60 s after SIGTERM");
    }
    for (Thread t : readers) {
      t.join(10_000);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
