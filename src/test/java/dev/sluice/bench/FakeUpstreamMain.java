package dev.sluice.bench;

import dev.sluice.fake.FakeOpenAI;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@link FakeOpenAI} as a process for bench/run.sh: writes its port to the file named by the
 * first argument and serves until killed. Requests are not recorded (the list would grow without
 * bound under load).
 */
public final class FakeUpstreamMain {
  private FakeUpstreamMain() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeOpenAI fake = FakeOpenAI.start(vertx);
    fake.recordRequests = false;
    Path portFile = Path.of(args[0]);
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(fake.port()));
    Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
