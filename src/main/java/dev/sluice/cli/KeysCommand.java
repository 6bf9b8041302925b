package dev.sluice.cli;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.keys.ApiKey;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyChanges;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.ratelimit.Plans;
import dev.sluice.storage.Database;
import dev.sluice.storage.RedisStore;
import dev.sluice.storage.StorageException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice keys create|list|revoke|rotate}: manage the gateway's API keys. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manage API keys (stored as hashes; a key is shown only when created or rotated).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
        KeysCommand.Rotate.class, KeysCommand.SetPlan.class})
public final class KeysCommand implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Work needing the key service. */
  interface KeyWork {
    void run(KeyService keys, Database db, PrintWriter out);
  }

  /** Opens the configured database, runs the work, maps failures to a message and exit code 1. */
  static int withKeys(CommandLine.Model.CommandSpec spec, ConfigOption config, KeyWork work) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      Config cfg = config.load();
      // changes reach running instances: NOTIFY on PostgreSQL (KeyService), and Redis when set
      RedisStore redis = RedisStore.fromConfig(cfg);
      try (Database db = Database.open(cfg)) {
        KeyService keys = KeyService.create(db);
        if (redis != null) {
          KeyChanges.publishOn(redis, keys);
        }
        work.run(keys, db, spec.commandLine().getOut());
      } finally {
        if (redis != null) {
          redis.close();
        }
      }
      spec.commandLine().getOut().flush();
      return 0;
    } catch (GatewayException e) {
      err.println("error: " + e.getMessage());
    } catch (ConfigException | StorageException e) {
      err.println("error: " + e.getMessage());
    }
    err.flush();
    return 1;
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print it once.")
  static final class Create implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--name", required = true, description = "Label of the key.")
    String name;
    @Option(names = "--models", split = ",", paramLabel = "MODEL",
        description = "Models the key may use (comma separated); default all.")
    List<String> models = new ArrayList<>();
    @Option(names = "--plan", description = "Rate-limit plan; default unlimited.")
    String plan;
    @Option(names = "--expires", paramLabel = "DATE",
        description = "Last valid day (2026-12-31, UTC), an instant (2026-12-31T12:00:00Z) or a validity (30d).")
    String expires;

    @Override
    public Integer call() {
      return withKeys(spec, config, (keys, db, out) -> {
        requireKnownPlan(config.load(), plan);
        CreatedKey created = keys.create(new NewKey(name, models, plan,
            NewKey.parseExpiry(expires, keys.clock())));
        ApiKey k = created.key();
        out.println("Created key " + k.id() + " \"" + k.name() + "\" (plan: " + orDash(k.plan(), "unlimited")
            + ", models: " + models(k) + ", expires: " + time(k.expiresAt(), "never") + ")");
        out.println(created.secret());
        out.println("This is the only time the key is shown; store it now.");
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never the keys themselves).")
  static final class ListKeys implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
      return withKeys(spec, config, (keys, db, out) -> {
        List<ApiKey> all = keys.list();
        if (all.isEmpty()) {
          out.println("No keys. Create one with: sluice keys create --name NAME");
          return;
        }
        Instant now = keys.clock().instant();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "PREFIX", "NAME", "PLAN", "MODELS", "STATUS", "EXPIRES", "LAST USED"});
        for (ApiKey k : all) {
          rows.add(new String[] {k.id(), k.prefix() + "…", k.name(), orDash(k.plan(), "-"), models(k),
              k.status(now), time(k.expiresAt(), "-"), time(k.lastUsedAt(), "never")});
        }
        printTable(out, rows, 0);
      });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; it stops working at once.")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(paramLabel = "ID|PREFIX", description = "Key id, unique prefix (as listed) or unique name.")
    String ref;

    @Override
    public Integer call() {
      return withKeys(spec, config, (keys, db, out) -> {
        ApiKey k = keys.revoke(ref);
        out.println("Revoked key " + k.id() + " \"" + k.name() + "\" (" + k.prefix() + "…)");
      });
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Replace a key's secret; prints the new key once, the old one stops working.")
  static final class Rotate implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(paramLabel = "ID|PREFIX", description = "Key id, unique prefix (as listed) or unique name.")
    String ref;

    @Override
    public Integer call() {
      return withKeys(spec, config, (keys, db, out) -> {
        CreatedKey created = keys.rotate(ref);
        out.println("Rotated key " + created.key().id() + " \"" + created.key().name() + "\"; the old key no longer works.");
        out.println(created.secret());
        out.println("This is the only time the key is shown; store it now.");
      });
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Put a key on another plan (\"\" or \"none\": unlimited); running instances apply it at once.")
  static final class SetPlan implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "ID|PREFIX", description = "Key id, unique prefix (as listed) or unique name.")
    String ref;
    @Parameters(index = "1", paramLabel = "PLAN", description = "A configured plan.")
    String plan;

    @Override
    public Integer call() {
      String p = plan.isBlank() || plan.equalsIgnoreCase("none") ? null : plan.trim();
      return withKeys(spec, config, (keys, db, out) -> {
        requireKnownPlan(config.load(), p);
        ApiKey k = keys.setPlan(ref, p);
        out.println("Key " + k.id() + " \"" + k.name() + "\" is now on plan " + orDash(k.plan(), "unlimited"));
      });
    }
  }

  /** Refuses a plan name the configuration does not define, as {@code sluice serve} would. */
  static void requireKnownPlan(Config cfg, String plan) {
    try {
      Plans.fromConfig(cfg).requireKnown(plan);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalidParam("plan", e.getMessage()).exception();
    }
  }

  static String orDash(String s, String dash) {
    return s == null || s.isEmpty() ? dash : s;
  }

  private static String models(ApiKey k) {
    return k.models().isEmpty() ? "all" : String.join(",", k.models());
  }

  static String time(Instant t, String none) {
    return t == null ? none : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Left-aligned columns; columns from {@code firstNumeric} on are right-aligned (0 = none). */
  static void printTable(PrintWriter out, List<String[]> rows, int firstNumeric) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        boolean right = firstNumeric > 0 && i >= firstNumeric;
        String pad = " ".repeat(width[i] - r[i].length());
        line.append(right ? pad + r[i] : r[i] + (i < cols - 1 ? pad : ""));
        if (i < cols - 1) {
          line.append("  ");
        }
      }
      out.println(line);
    }
  }
}
