package dev.sluice.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.sluice.config.ConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link LogSettings} to logback for {@code sluice serve}: the root level, text or JSON
 * lines, where they go and whether text is coloured. Writing stays on a thread of its own ({@link BatchingAppender}), as in
 * {@code logback.xml} (which configures everything before this runs, and tests).
 */
public final class Logging {
  static final String TEXT = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{20} %msg%n";
  static final String COLOR_TEXT = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %highlight(%-5level) %cyan(%logger{20}) %msg%n";

  private Logging() {
  }

  /** Replaces the root logger's appenders with one per output of {@code settings}. */
  public static void configure(LogSettings settings) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext lc)) {
      return;
    }
    Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(settings.level()));

    List<Appender<ILoggingEvent>> added = new ArrayList<>();
    for (String output : settings.outputs()) {
      BatchingAppender out = new BatchingAppender();
      out.setContext(lc);
      out.setName("sluice-" + output);
      if (LogSettings.isConsole(output)) {
        out.setTarget(output.equals(LogSettings.STDOUT) ? "System.out" : "System.err");
      } else {
        out.setFile(output);
      }
      out.setEncoder(encoder(lc, settings.json(), settings.colored(output)));
      out.start();
      if (!out.isStarted()) {
        throw new ConfigException("logging.output", "cannot write to '" + output + "'");
      }
      added.add(out);
    }

    List<Appender<ILoggingEvent>> previous = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      previous.add(it.next());
    }
    added.forEach(root::addAppender);
    for (Appender<ILoggingEvent> old : previous) {
      root.detachAppender(old);
      old.stop();
    }
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext lc, boolean json, boolean color) {
    if (color) {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(lc);
      encoder.setPattern(COLOR_TEXT);
      encoder.start();
      return encoder;
    }
    LayoutBase<ILoggingEvent> layout = json ? new JsonLayout() : new TextLayout();
    layout.setContext(lc);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(lc);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }
}
