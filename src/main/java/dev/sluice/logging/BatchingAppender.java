package dev.sluice.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Log lines written by one thread of their own, in batches: the thread that logs (an event loop)
 * only enqueues the event, and wakes nobody; the writer wakes every {@link #setIntervalMillis}
 * milliseconds, encodes what is queued and writes it with one system call. Logback's
 * {@code AsyncAppender} wakes its worker and writes once for every line, which cost a futex call,
 * a context switch and a {@code write} per request at saturation.
 *
 * <p>Nothing is discarded: when the queue is full the logging thread waits for room (the writer is
 * then far behind the disk), as {@code AsyncAppender} with {@code neverBlock=false} did. {@link #stop}
 * writes everything queued before it returns.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private Encoder<ILoggingEvent> encoder;
  private OutputStream out;
  private String file;
  private String target = "System.out";
  private ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
  private int queueSize = 16_384;
  private long intervalMillis = 10;
  private BlockingQueue<ILoggingEvent> queue;
  private volatile Thread writer;
  private volatile boolean stopping;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /** {@code System.out} or {@code System.err}; ignored when a {@link #setFile file} is set. */
  public void setTarget(String target) {
    this.target = target;
  }

  /** A file the lines are appended to, instead of {@link #setTarget the console}. */
  public void setFile(String file) {
    this.file = file;
  }

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /** How long the writer sleeps between batches. */
  public void setIntervalMillis(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for appender " + name);
      return;
    }
    if (file != null) {
      try {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        out = new FileOutputStream(file, true);
      } catch (IOException e) {
        addError("cannot write to " + file, e);
        return;
      }
    } else {
      // System.out as it is when written to (tests replace it), one write and flush per batch
      out = ConsoleTarget.findByName("System.err".equals(target) ? "System.err" : "System.out").getStream();
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    stopping = false;
    Thread t = Thread.ofPlatform().name("sluice-log-writer").daemon(true).unstarted(this::run);
    writer = t;
    super.start();
    t.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event instanceof LoggingEvent e) {
      // what belongs to the logging thread is read now; the message is formatted by the writer
      e.getThreadName();
      e.getMDCPropertyMap();
    } else {
      event.prepareForDeferredProcessing();
    }
    while (!queue.offer(event)) {
      if (stopping || !isStarted()) {
        return;
      }
      LockSupport.unpark(writer);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private void run() {
    List<ILoggingEvent> batch = new ArrayList<>();
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    while (true) {
      boolean last = stopping;
      queue.drainTo(batch);
      if (!batch.isEmpty()) {
        write(batch);
      }
      if (last) {
        return;
      }
      LockSupport.parkNanos(this, intervalNanos);
    }
  }

  private void write(List<ILoggingEvent> batch) {
    for (ILoggingEvent e : batch) {
      try {
        bytes.writeBytes(encoder.encode(e));
      } catch (RuntimeException ex) {
        addError("could not encode a log event", ex);
      }
    }
    batch.clear();
    try {
      bytes.writeTo(out);
      out.flush();
    } catch (IOException ex) {
      addError("could not write log lines", ex);
    }
    if (bytes.size() > 1 << 20) {
      bytes = new ByteArrayOutputStream(64 * 1024); // a burst's buffer is not kept
    } else {
      bytes.reset();
    }
  }

  /** Writes every queued line, then stops. */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    stopping = true;
    Thread t = writer;
    LockSupport.unpark(t);
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    super.stop();
    if (file != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // stopping anyway
      }
    }
  }
}
