package dev.sluice.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Meters by label combination, each label an index into a list fixed at start-up, built the first time
 * their combination is seen: looking one up is two array reads, never a {@code Tags} object or a map
 * key. Rows ({@code outer}) are allocated lazily, so sparse combinations cost little.
 */
final class MeterGrid<M> {
  /** Builds the meter of one combination; called at most a few times per combination (races are harmless). */
  interface Factory<M> {
    M create(int outer, int inner);
  }

  private final AtomicReferenceArray<AtomicReferenceArray<M>> rows;
  private final int innerSize;
  private final Factory<M> factory;

  MeterGrid(int outerSize, int innerSize, Factory<M> factory) {
    this.rows = new AtomicReferenceArray<>(outerSize);
    this.innerSize = innerSize;
    this.factory = factory;
  }

  M get(int outer, int inner) {
    AtomicReferenceArray<M> row = rows.get(outer);
    if (row == null) {
      rows.compareAndSet(outer, null, new AtomicReferenceArray<>(innerSize));
      row = rows.get(outer);
    }
    M m = row.get(inner);
    if (m == null) {
      // Micrometer returns the registered meter for an id it already has, so two racing builds agree
      row.compareAndSet(inner, null, factory.create(outer, inner));
      m = row.get(inner);
    }
    return m;
  }
}
