package dev.sluice.usage;

import dev.sluice.storage.Database;
import java.util.List;

/** Usage summaries for the CLI and the admin API. Blocking: call from worker threads. */
public final class UsageService {
  private final UsageStore store;

  public UsageService(UsageStore store) {
    this.store = store;
  }

  public static UsageService create(Database db) {
    return new UsageService(new JdbcUsageStore(db));
  }

  public List<UsageRow> summary(UsageQuery query) {
    return store.summary(query);
  }

  /** The sum of all rows, labelled {@code total}. */
  public static UsageRow total(List<UsageRow> rows) {
    long req = 0, prompt = 0, completion = 0, cached = 0, reasoning = 0, errors = 0;
    for (UsageRow r : rows) {
      req += r.requests();
      prompt += r.promptTokens();
      completion += r.completionTokens();
      cached += r.cachedTokens();
      reasoning += r.reasoningTokens();
      errors += r.errors();
    }
    return new UsageRow("total", req, prompt, completion, cached, reasoning, errors);
  }
}
