package dev.sluice.cli;

import dev.sluice.keys.ApiKey;
import dev.sluice.keys.KeyAuthenticator;
import dev.sluice.keys.KeyService;
import dev.sluice.usage.UsageQuery;
import dev.sluice.usage.UsageRow;
import dev.sluice.usage.UsageService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.util.Locale;

/** {@code sluice usage}: a summary table of recorded requests and tokens. */
@Command(name = "usage", mixinStandardHelpOptions = true,
    description = "Summarise recorded usage: requests, tokens and errors.")
public final class UsageCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;
  @Mixin
  ConfigOption config;
  @Option(names = "--key", paramLabel = "ID|PREFIX", description = "Only this key (id, prefix, or 'config').")
  String key;
  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only since a date (2026-01-31, UTC), an instant, or an age (24h, 7d).")
  String since;
  @Option(names = "--by", paramLabel = "model|key|day", defaultValue = "model",
      description = "Group by model (default), key or day.")
  String by;

  @Override
  public Integer call() {
    return KeysCommand.withKeys(spec, config, (keys, db, out) -> {
      UsageQuery.GroupBy groupBy = UsageQuery.GroupBy.parse(by);
      String keyId = null;
      if (key != null && !key.isBlank()) {
        keyId = key.trim().equals(KeyAuthenticator.CONFIG_KEY_ID)
            ? KeyAuthenticator.CONFIG_KEY_ID : keys.resolve(key).id();
      }
      UsageQuery query = new UsageQuery(keyId, UsageQuery.parseSince(since, keys.clock()), groupBy);
      List<UsageRow> rows = UsageService.create(db).summary(query);
      if (rows.isEmpty()) {
        out.println("No usage recorded" + (query.since() != null ? " since " + query.since() : "") + ".");
        return;
      }
      Map<String, String> names = new HashMap<>();
      if (groupBy == UsageQuery.GroupBy.KEY) {
        for (ApiKey k : keys.list()) {
          names.put(k.id(), k.name());
        }
        names.put(KeyAuthenticator.CONFIG_KEY_ID, "(auth.downstream_api_key)");
      }
      List<String[]> table = new ArrayList<>();
      table.add(new String[] {groupBy.label().toUpperCase(Locale.ROOT), "REQUESTS", "PROMPT",
          "COMPLETION", "CACHED", "REASONING", "ERRORS"});
      for (UsageRow r : rows) {
        table.add(row(label(r.group(), names), r));
      }
      table.add(row("TOTAL", UsageService.total(rows)));
      KeysCommand.printTable(out, table, 1);
    });
  }

  private static String label(String group, Map<String, String> names) {
    if (group == null || group.isEmpty()) {
      return "(none)";
    }
    String name = names.get(group);
    return name == null ? group : group + " " + name;
  }

  private static String[] row(String label, UsageRow r) {
    return new String[] {label, Long.toString(r.requests()), Long.toString(r.promptTokens()),
        Long.toString(r.completionTokens()), Long.toString(r.cachedTokens()),
        Long.toString(r.reasoningTokens()), Long.toString(r.errors())};
  }
}
