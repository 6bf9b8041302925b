package dev.sluice.accounts;

import dev.sluice.storage.Database;
import dev.sluice.storage.PostgresChannel;
import java.sql.SQLException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session bindings shared by every instance on one PostgreSQL database: each binding the pool makes
 * is announced with NOTIFY on {@value #CHANNEL}, each one announced (by any instance, this one too)
 * is applied with {@link AccountPool#bind}. A line is {@code "<bound at, epoch ms> <session hash>
 * <account id>"}: the SHA-256 of the session key, never the key. Announcements queue up and one
 * sender at a time drains them on the io executor, several lines per NOTIFY, so a burst of new
 * sessions takes one connection, never the caller's thread. Bindings sent while an instance was not
 * listening are lost to it: it binds those sessions itself, and the later binding wins everywhere.
 */
final class SharedSessions implements AutoCloseable {
  static final String CHANNEL = "sluice_account_sessions";
  private static final Logger LOG = LoggerFactory.getLogger(SharedSessions.class);
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

  private SharedSessions(Database db, Executor io, AccountPool pool) {
    this.db = db;
    this.io = io;
    pool.onBinding(this::announce);
    listener = PostgresChannel.listen(db, CHANNEL, payload -> {
      for (String line : payload.split("\n")) {
        apply(pool, line);
      }
    }, () -> { });
  }

  static SharedSessions start(Database db, Executor io, AccountPool pool) {
    return new SharedSessions(db, io, pool);
  }

  static String line(AccountPool.SessionBinding b) {
    return b.boundAtMillis() + " " + b.sessionHash() + " " + b.accountId();
  }

  static void apply(AccountPool pool, String line) {
    String[] f = line.split(" ", 3);
    try {
      pool.bind(new AccountPool.SessionBinding(f[1], f[2], Long.parseLong(f[0])));
    } catch (RuntimeException e) {
      LOG.debug("ignored session binding '{}'", line);
    }
  }

  private void announce(AccountPool.SessionBinding b) {
    if (size.incrementAndGet() > MAX_QUEUED) {
      size.decrementAndGet();
      return;
    }
    queued.add(line(b));
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
        LOG.warn("announcing session bindings to the other instances failed: {}", e.getMessage());
        warned = true;
      }
    }
  }

  @Override
  public void close() {
    listener.close();
  }
}
