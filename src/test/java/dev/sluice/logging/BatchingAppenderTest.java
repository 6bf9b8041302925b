package dev.sluice.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingAppenderTest {
  @TempDir
  Path dir;

  @Test
  void everyLineFromEveryThreadIsWrittenInEachThreadsOrderAndStopWritesWhatIsQueued() throws Exception {
    LoggerContext lc = new LoggerContext();
    lc.setMDCAdapter(new LogbackMDCAdapter());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(lc);
    encoder.setPattern("%thread %msg%n");
    encoder.start();
    BatchingAppender appender = new BatchingAppender();
    appender.setContext(lc);
    appender.setEncoder(encoder);
    appender.setQueueSize(8); // far fewer than the lines: loggers wait for room, nothing is dropped
    appender.setIntervalMillis(50);
    Path file = dir.resolve("logs/out.log");
    appender.setFile(file.toString());
    appender.start();
    Logger log = lc.getLogger("test");
    log.setLevel(Level.INFO);
    log.addAppender(appender);

    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      threads.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
        for (int i = 0; i < 2_000; i++) {
          log.info("line {}", i);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    appender.stop();

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(6_000);
    for (int t = 0; t < 3; t++) {
      String prefix = "writer-" + t + " line ";
      List<Integer> seen = lines.stream().filter(l -> l.startsWith(prefix))
          .map(l -> Integer.parseInt(l.substring(prefix.length()))).toList();
      assertThat(seen).hasSize(2_000).isSorted();
    }
  }
}
