package dev.sluice.usage;

import dev.sluice.config.Config;
import dev.sluice.storage.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link UsageSink} whose {@link #record} only enqueues; one writer thread stores records in
 * batches of up to {@code batchSize}, every {@code flushInterval}, and as soon as a batch's worth is
 * queued.
 * {@link #close()} writes everything recorded before it returns. When the queue is full (the
 * database is far behind) new records are dropped and counted.
 */
public final class BatchingUsageSink implements UsageSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingUsageSink.class);
  private static final int WRITE_ATTEMPTS = 3;

  private final UsageStore store;
  private final int batchSize;
  private final long flushNanos;
  private final BlockingQueue<UsageRecord> queue;
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean stopping;
  private final Thread writer;
  private boolean closed;

  private BatchingUsageSink(UsageStore store, int batchSize, Duration flushInterval, int capacity) {
    this.store = store;
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = Thread.ofPlatform().name("sluice-usage-writer").daemon(true).unstarted(this::run);
  }

  /** Starts a sink writing to {@code db} with the {@code usage:} config section. */
  public static BatchingUsageSink start(Database db, Config config) {
    return start(new JdbcUsageStore(db), config.integer("usage.batch_size", 1, 10_000),
        Duration.ofMillis(config.integer("usage.flush_interval_millis", 1, 600_000)),
        config.integer("usage.queue_capacity", 1, 10_000_000));
  }

  public static BatchingUsageSink start(UsageStore store, int batchSize, Duration flushInterval, int capacity) {
    BatchingUsageSink sink = new BatchingUsageSink(store, batchSize, flushInterval, capacity);
    sink.writer.start();
    return sink;
  }

  @Override
  public void record(UsageRecord record) {
    if (record == null) {
      return;
    }
    var lock = closing.readLock();
    lock.lock();
    try {
      if (closed || !queue.offer(record)) {
        if (dropped.getAndIncrement() % 10_000 == 0) {
          LOG.warn("usage record dropped ({})", closed ? "sink closed" : "queue full");
        }
      } else if (accepted.incrementAndGet() % batchSize == 0) {
        LockSupport.unpark(writer); // a full batch waits: write it now
      }
    } finally {
      lock.unlock();
    }
  }

  /** Records stored so far. */
  public long written() {
    return written.get();
  }

  /** Records waiting to be written (the usage-queue depth). */
  public int queued() {
    return queue.size();
  }

  /** Records lost: queue full, sink closed, or the database failing repeatedly. */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Sleeps a flush interval, or until a batch's worth is queued, then writes what is queued. The
   * requests that record never wake the writer for a single record: a wake-up per request (a futex
   * call and a context switch) cost more than the insert.
   */
  private void run() {
    List<UsageRecord> batch = new ArrayList<>(batchSize);
    while (true) {
      boolean last = stopping;
      while (queue.drainTo(batch, batchSize) > 0) {
        write(batch);
      }
      if (last) {
        return;
      }
      LockSupport.parkNanos(this, flushNanos);
    }
  }

  private void write(List<UsageRecord> batch) {
    if (batch.isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        store.insert(batch);
        written.addAndGet(batch.size());
        break;
      } catch (RuntimeException e) {
        if (attempt >= WRITE_ATTEMPTS) {
          dropped.addAndGet(batch.size());
          LOG.error("dropping {} usage records after {} failed writes: {}", batch.size(), attempt, e.getMessage());
          break;
        }
        LOG.warn("writing {} usage records failed, retrying: {}", batch.size(), e.getMessage());
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
    batch.clear();
  }

  /** Stops accepting records and waits until every accepted record is written (or dropped). */
  @Override
  public void close() {
    var lock = closing.writeLock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
