package dev.sluice.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL notification channel: {@link #send} is NOTIFY (through the pool), {@link #listen}
 * LISTENs on a connection of its own, on a thread of its own, reconnecting after a failure. After
 * each (re)connect {@code onGap} runs, since notifications sent meanwhile are lost.
 *
 * <p>Waiting for notifications reads nothing from a database host that vanished (no reset, no
 * answer), so the listener also sends an empty query every {@value #CHECK_MILLIS} ms that must be
 * answered within {@value #CHECK_TIMEOUT_SECONDS} s; otherwise it reconnects (logged once per outage).
 */
public final class PostgresChannel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresChannel.class);
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int POLL_MILLIS = 250;
  private static final long RETRY_MILLIS = 1000;
  static final long CHECK_MILLIS = 5000;
  static final int CHECK_TIMEOUT_SECONDS = 5;

  private final Thread thread;
  private final long checkNanos;
  private final int checkTimeoutSeconds;
  private volatile boolean closed;

  private PostgresChannel(Database db, String channel, Consumer<String> onMessage, Runnable onGap, long checkMillis,
                          int checkTimeoutSeconds) {
    this.checkNanos = TimeUnit.MILLISECONDS.toNanos(checkMillis);
    this.checkTimeoutSeconds = checkTimeoutSeconds;
    thread = Thread.ofPlatform().daemon().name("sluice-listen-" + channel)
        .start(() -> run(db, channel, onMessage, onGap));
  }

  /** NOTIFY {@code channel} with {@code payload} (blocking). */
  public static void send(Database db, String channel, String payload) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  /** Delivers every notification on {@code channel} to {@code onMessage} until closed. */
  public static PostgresChannel listen(Database db, String channel, Consumer<String> onMessage, Runnable onGap) {
    return listen(db, channel, onMessage, onGap, CHECK_MILLIS, CHECK_TIMEOUT_SECONDS);
  }

  /** {@link #listen} checking the connection every {@code checkMillis} (tests: shorter). */
  static PostgresChannel listen(Database db, String channel, Consumer<String> onMessage, Runnable onGap,
                                long checkMillis, int checkTimeoutSeconds) {
    if (!NAME.matcher(channel).matches()) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
    return new PostgresChannel(db, channel, onMessage, onGap, checkMillis, checkTimeoutSeconds);
  }

  private void run(Database db, String channel, Consumer<String> onMessage, Runnable onGap) {
    boolean warned = false;
    while (!closed) {
      try (Connection c = db.dedicatedConnection(); Statement st = c.createStatement()) {
        st.execute("LISTEN " + channel);
        onGap.run();
        if (warned) {
          LOG.info("listening on PostgreSQL channel {} again", channel);
          warned = false;
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        long checked = System.nanoTime();
        while (!closed) {
          PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
          if (batch != null) {
            for (PGNotification n : batch) {
              onMessage.accept(n.getParameter());
            }
          }
          if (System.nanoTime() - checked >= checkNanos) {
            // notifications that arrive meanwhile are kept for the next getNotifications
            if (!c.isValid(checkTimeoutSeconds)) {
              throw new SQLException("the database did not answer within " + checkTimeoutSeconds + " s");
            }
            checked = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed && !warned) {
          LOG.warn("listening on PostgreSQL channel {} failed ({}); retrying every second", channel, e.getMessage());
          warned = true;
        }
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
