package dev.sluice.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.Abbreviator;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text line of {@link Logging#TEXT} ({@code 2026-12-04T19:10:11.123Z INFO  sluice.access ...}),
 * written into one builder: the time's text up to the second made once a second, a logger's
 * abbreviation once per logger, and a message that is one {@link LogText} written by it in place.
 * Line for line what logback's pattern layout gives for {@link Logging#TEXT}; an event with a
 * throwable (its stack trace) is left to that layout.
 */
public final class TextLayout extends LayoutBase<ILoggingEvent> {
  private static final int LOGGER_LENGTH = 20;
  private static final DateTimeFormatter TO_SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");
  /** More loggers than this are abbreviated each time rather than remembered. */
  private static final int MAX_LOGGERS = 1_000;

  private final PatternLayout pattern = new PatternLayout();
  private final Abbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(LOGGER_LENGTH);
  private final Map<String, String> loggers = new ConcurrentHashMap<>();
  private final ZoneId zone = ZoneId.systemDefault();
  private volatile Second second = new Second(Long.MIN_VALUE, "", "");

  /** The text of one second: before the milliseconds, and the zone offset after them. */
  private record Second(long epochSecond, String head, String offset) {
  }

  @Override
  public void start() {
    pattern.setContext(getContext());
    pattern.setPattern(Logging.TEXT);
    pattern.start();
    super.start();
  }

  @Override
  public void stop() {
    pattern.stop();
    super.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    if (event.getThrowableProxy() != null) {
      return pattern.doLayout(event);
    }
    StringBuilder sb = new StringBuilder(320);
    long millis = event.getTimeStamp();
    Second s = secondOf(Math.floorDiv(millis, 1000L));
    int ms = (int) Math.floorMod(millis, 1000L);
    sb.append(s.head()).append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
        .append((char) ('0' + ms % 10)).append(s.offset()).append(' ');
    String level = event.getLevel().toString();
    sb.append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    sb.append(' ').append(logger(event.getLoggerName())).append(' ');
    Object[] args = event.getArgumentArray();
    if (args != null && args.length == 1 && args[0] instanceof LogText text && "{}".equals(event.getMessage())) {
      text.appendTo(sb);
    } else {
      sb.append(event.getFormattedMessage());
    }
    return sb.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private Second secondOf(long epochSecond) {
    Second s = second;
    if (s.epochSecond() != epochSecond) {
      ZonedDateTime t = Instant.ofEpochSecond(epochSecond).atZone(zone);
      s = new Second(epochSecond, TO_SECOND.format(t), OFFSET.format(t));
      second = s;
    }
    return s;
  }

  private String logger(String name) {
    String abbreviated = loggers.get(name);
    if (abbreviated == null) {
      abbreviated = abbreviator.abbreviate(name);
      if (loggers.size() < MAX_LOGGERS) {
        loggers.put(name, abbreviated);
      }
    }
    return abbreviated;
  }
}
