package dev.sluice.usage;

import java.util.List;

/** Persistence of usage records. Blocking: call from worker threads. */
public interface UsageStore {
  void insert(List<UsageRecord> records);

  /** Totals per group, ordered by group. */
  List<UsageRow> summary(UsageQuery query);
}
