package dev.sluice.accounts;

import dev.sluice.storage.Database;
import dev.sluice.storage.PostgresChannel;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session bindings and usage windows shared by every instance on one PostgreSQL database: each
 * binding the pool makes and each noticeable move of an account's windows is announced with NOTIFY
 * on {@value #CHANNEL}; each one announced (by any instance, this one too) is applied with
 * {@link AccountPool#bind} / {@link AccountPool#applyWindows}. One line each:
 * <ul>
 *   <li>{@code "s <bound at, epoch ms> <session hash> <account id>"}: the SHA-256 of the session key,
 *       never the key;</li>
 *   <li>{@code "w <observed at, epoch ms> <primary> <secondary> <account id>"}, a window being
 *       {@code used,minutes,resets at ms} (empty fields for unknown ones) or {@code -}.</li>
 * </ul>
 * Announcements queue up and one
 * sender at a time drains them on the io executor, several lines per NOTIFY, so a burst of new
 * sessions takes one connection, never the caller's thread. Bindings sent while an instance was not
 * listening are lost to it: it binds those sessions itself, and the later binding wins everywhere.
 */
final class SharedAccountState implements AutoCloseable {
  static final String CHANNEL = "sluice_account_state";
  private static final Logger LOG = LoggerFactory.getLogger(SharedAccountState.class);
  /** A NOTIFY payload must stay under 8000 bytes: one is sent once it reaches this (lines are short). */
  private static final int MAX_PAYLOAD = 7000;
  /** Queued announcements beyond this are dropped (the database is unreachable): each instance binds on its own. */
  private static final int MAX_QUEUED = 10_000;

  private final Database db;
  private final Executor io;
  private final Queue<String> queued = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final PostgresChannel listener;
  private volatile boolean warned;

  private SharedAccountState(Database db, Executor io, AccountPool pool) {
    this.db = db;
    this.io = io;
    pool.onBinding(b -> announce(line(b)));
    pool.onWindows(w -> announce(line(w)));
    listener = PostgresChannel.listen(db, CHANNEL, payload -> {
      for (String line : payload.split("\n")) {
        apply(pool, line);
      }
    }, () -> { });
  }

  static SharedAccountState start(Database db, Executor io, AccountPool pool) {
    return new SharedAccountState(db, io, pool);
  }

  static String line(AccountPool.SessionBinding b) {
    return "s " + b.boundAtMillis() + " " + b.sessionHash() + " " + b.accountId();
  }

  static String line(AccountPool.WindowsSeen w) {
    return "w " + w.observedAt().toEpochMilli() + " " + window(w.primary()) + " " + window(w.secondary()) + " "
        + w.accountId();
  }

  static void apply(AccountPool pool, String line) {
    try {
      if (line.startsWith("s ")) {
        String[] f = line.split(" ", 4);
        pool.bind(new AccountPool.SessionBinding(f[2], f[3], Long.parseLong(f[1])));
      } else if (line.startsWith("w ")) {
        String[] f = line.split(" ", 5);
        pool.applyWindows(new AccountPool.WindowsSeen(f[4], window(f[2]), window(f[3]),
            Instant.ofEpochMilli(Long.parseLong(f[1]))));
      }
    } catch (RuntimeException e) {
      LOG.debug("ignored account state '{}'", line);
    }
  }

  private static String window(RateWindow w) {
    if (w == null) {
      return "-";
    }
    return w.usedPercent() + "," + (w.windowMinutes() == null ? "" : w.windowMinutes()) + ","
        + (w.resetsAt() == null ? "" : w.resetsAt().toEpochMilli());
  }

  private static RateWindow window(String s) {
    if (s.equals("-")) {
      return null;
    }
    String[] f = s.split(",", -1);
    return new RateWindow(Double.parseDouble(f[0]), f[1].isEmpty() ? null : Integer.valueOf(f[1]),
        f[2].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[2])));
  }

  private void announce(String line) {
    if (size.incrementAndGet() > MAX_QUEUED) {
      size.decrementAndGet();
      return;
    }
    queued.add(line);
    if (sending.compareAndSet(false, true)) {
      io.execute(this::drain);
    }
  }

  private void drain() {
    do {
      try {
        StringBuilder payload = new StringBuilder();
        for (String l; (l = queued.poll()) != null; ) {
          size.decrementAndGet();
          payload.append(payload.isEmpty() ? "" : "\n").append(l);
          if (payload.length() >= MAX_PAYLOAD) {
            send(payload.toString());
            payload.setLength(0);
          }
        }
        if (!payload.isEmpty()) {
          send(payload.toString());
        }
      } finally {
        sending.set(false);
      }
    } while (!queued.isEmpty() && sending.compareAndSet(false, true));
  }

  private void send(String payload) {
    try {
      PostgresChannel.send(db, CHANNEL, payload);
      warned = false;
    } catch (SQLException | RuntimeException e) {
      if (!warned) {
        LOG.warn("announcing session bindings and usage windows to the other instances failed: {}", e.getMessage());
        warned = true;
      }
    }
  }

  @Override
  public void close() {
    listener.close();
  }
}
