package dev.sluice.e2e;

import dev.sluice.GatewayHarness;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.NewKey;
import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Shared end-to-end helpers: which database Sluice runs on, keys made in it, usage rows read back. */
final class E2e {
  private E2e() {
  }

  /** A gateway on SQLite (the harness's temp file) or on a fresh PostgreSQL schema. */
  static final class Gateway implements AutoCloseable {
    final GatewayHarness h;
    private final TestDatabases.TestDb pg;
    private boolean stopped;

    Gateway(Database.Dialect dialect, String... extraYaml) {
      this(dialect, Map.of(), url -> "", extraYaml);
    }

    /** A gateway whose extra config names the harness's fake ({@code byFakeUrl} gets its base URL). */
    Gateway(Database.Dialect dialect, Map<String, String> env, Function<String, String> byFakeUrl, String... extraYaml) {
      if (dialect == Database.Dialect.POSTGRESQL) {
        pg = TestDatabases.postgres();
        String storage = """
            storage:
              url: "%s"
              username: "%s"
            """.formatted(pg.url(), pg.username());
        String[] docs = new String[extraYaml.length + 1];
        docs[0] = storage;
        System.arraycopy(extraYaml, 0, docs, 1, extraYaml.length);
        h = new GatewayHarness(env, byFakeUrl, docs);
      } else {
        pg = null;
        h = new GatewayHarness(env, byFakeUrl, extraYaml);
      }
    }

    /** Creates a key in Sluice's database, as {@code sluice keys create} would. */
    CreatedKey createKey(String name, String plan, List<String> models) {
      try (Database db = h.openDatabase()) {
        return KeyService.create(db).create(new NewKey(name, models, plan, null));
      }
    }

    /** Every usage row, oldest first, as column → value. Call after {@link #stopSluice()} to see all. */
    List<Map<String, Object>> usageRows() {
      try (Database db = h.openDatabase()) {
        return rows(db, "SELECT * FROM usage_records ORDER BY time_ms");
      }
    }

    /** Graceful stop of Sluice only (drains usage records); the fake and the database stay. */
    void stopSluice() {
      if (!stopped) {
        stopped = true;
        h.sluice.close();
      }
    }

    @Override
    public void close() {
      try {
        stopSluice();
        h.fake.close();
        h.fakeVertx.close().await();
      } finally {
        if (pg != null) {
          pg.close();
        }
      }
    }
  }

  static List<Map<String, Object>> rows(Database db, String sql) {
    try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      List<Map<String, Object>> out = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT),
              v instanceof Number num && !(v instanceof Double) ? (Object) num.longValue() : v);
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
