package dev.sluice.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The text layout writes, line for line, what logback's pattern layout writes for {@link Logging#TEXT}. */
class TextLayoutTest {
  private record Line(String text) implements LogText {
    @Override
    public void appendTo(StringBuilder line) {
      line.append(text);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static final List<String> LOGGERS = List.of("sluice.access", "dev.sluice.relay.Gateway",
      "dev.sluice.accounts.oauth.OAuthClient", "x", "io.netty.util.internal.PlatformDependent", "ROOT");
  private static final long[] TIMES = {0L, 1_764_876_611_000L, 1_764_876_611_005L, 1_764_876_611_999L,
      1_764_876_612_042L, 1_711_846_799_999L, 1_711_846_800_000L, 1_730_595_600_123L};

  @Test
  void theLinesAreThePatternLayoutsInEveryZone() {
    TimeZone before = TimeZone.getDefault();
    int compared = 0;
    try {
      for (String zone : List.of("UTC", "Asia/Kolkata", "Europe/Berlin", "America/New_York")) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        LoggerContext lc = new LoggerContext();
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(lc);
        pattern.setPattern(Logging.TEXT);
        pattern.start();
        TextLayout text = new TextLayout();
        text.setContext(lc);
        text.start();
        for (String logger : LOGGERS) {
          for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
            for (long time : TIMES) {
              for (LoggingEvent e : events(lc, logger, level)) {
                e.setTimeStamp(time);
                assertThat(text.doLayout(e)).as(zone + " " + logger + " " + e.getMessage())
                    .isEqualTo(pattern.doLayout(e));
                compared++;
              }
            }
          }
        }
      }
    } finally {
      TimeZone.setDefault(before);
    }
    assertThat(compared).isEqualTo(4 * LOGGERS.size() * 5 * TIMES.length * 7);
  }

  private static List<LoggingEvent> events(LoggerContext lc, String name, Level level) {
    var logger = lc.getLogger(name);
    String fqcn = TextLayoutTest.class.getName();
    return List.of(
        new LoggingEvent(fqcn, logger, level, "{}", null, new Object[] {new Line("request_id=req_1 status=200")}),
        new LoggingEvent(fqcn, logger, level, "{}", null, new Object[] {"a plain string"}),
        new LoggingEvent(fqcn, logger, level, "listening on port {} ({} ms)", null, new Object[] {8080, 12}),
        new LoggingEvent(fqcn, logger, level, "no arguments, unicode é ✓", null, null),
        new LoggingEvent(fqcn, logger, level, "{} and {}", null, new Object[] {new Line("one"), new Line("two")}),
        new LoggingEvent(fqcn, logger, level, "{}", null, new Object[] {new int[] {1, 2}}),
        new LoggingEvent(fqcn, logger, level, "failed: {}", new IllegalStateException("boom"), new Object[] {"x"}));
  }
}
