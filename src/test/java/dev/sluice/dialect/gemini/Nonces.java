package dev.sluice.dialect.gemini;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Tool call id nonces for golden files: 000…001, 000…002, … */
final class Nonces {
  private Nonces() {
  }

  static Supplier<String> counting() {
    AtomicInteger n = new AtomicInteger();
    return () -> String.format("%024d", n.incrementAndGet());
  }
}
