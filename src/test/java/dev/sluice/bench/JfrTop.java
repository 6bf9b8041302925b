package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The top frames of a JFR recording's CPU samples ({@code jdk.ExecutionSample}) on the threads whose
 * name contains a given text (the event loops by default): each method's share of the samples
 * inclusive (on the stack) and self (on top), and the samples by the package group of their
 * innermost non-JDK frame. Whole stacks are read from the recording, never cut at the 64 frames
 * {@code jfr print} shows by default (an event loop's stacks are deeper, and cut stacks make the
 * inclusive shares wrong).
 *
 * <pre>java -cp ... dev.sluice.bench.JfrTop rec.jfr [thread-text] [rows]</pre>
 */
public final class JfrTop {
  private static final String[] GROUPS = {"dev.sluice", "io.vertx.ext.web", "io.vertx.core.http",
      "io.vertx.core", "io.netty.handler.codec.http", "io.netty.buffer", "io.netty.channel", "io.netty",
      "com.fasterxml.jackson", "ch.qos.logback", "org.slf4j", "io.micrometer", "com.github.benmanes.caffeine"};

  private JfrTop() {
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    String thread = args.length > 1 ? args[1] : "eventloop";
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> groups = new HashMap<>();
    int samples = 0;
    boolean truncated = false;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      var t = e.getThread("sampledThread");
      RecordedStackTrace stack = e.getStackTrace();
      if (t == null || stack == null || !String.valueOf(t.getJavaName()).contains(thread)) {
        continue;
      }
      samples++;
      truncated |= stack.isTruncated();
      List<String> methods = new ArrayList<>();
      for (RecordedFrame f : stack.getFrames()) {
        String type = f.getMethod().getType().getName();
        if (f.isJavaFrame() && !type.contains("$$Lambda")) {   // a lambda's own frame, not its body's
          methods.add(type + "." + f.getMethod().getName());
        }
      }
      if (methods.isEmpty()) {
        continue;
      }
      self.merge(methods.get(0), 1, Integer::sum);
      Set<String> seen = new HashSet<>(methods);
      seen.forEach(m -> inclusive.merge(m, 1, Integer::sum));
      groups.merge(group(methods), 1, Integer::sum);
    }
    System.out.printf("%d samples on threads named *%s*%s%n", samples, thread,
        truncated ? " (some stacks were cut by the recording's stackdepth)" : "");
    print("by package of the innermost non-JDK frame", groups, samples, rows);
    print("self (top of the stack)", self, samples, rows);
    Map<String, Integer> sluice = new HashMap<>();
    inclusive.forEach((m, n) -> {
      if (m.startsWith("dev.sluice.")) {
        sluice.put(m, n);
      }
    });
    print("inclusive, Sluice's methods", sluice, samples, rows);
  }

  private static String group(List<String> methods) {
    for (String m : methods) {
      if (m.startsWith("java.") || m.startsWith("jdk.") || m.startsWith("sun.")) {
        continue;
      }
      for (String g : GROUPS) {
        if (m.startsWith(g + ".")) {
          return g;
        }
      }
      return "other";
    }
    return "JDK only";
  }

  private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
    System.out.println();
    System.out.println(title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(rows)
        .forEach(en -> System.out.printf("%6.1f %%  %s%n", 100.0 * en.getValue() / samples, en.getKey()));
  }
}
