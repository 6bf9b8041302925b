package dev.sluice.storage;

import dev.sluice.testing.Prerequisites;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * Fresh, isolated databases for tests: a SQLite file in a temp directory, or a new PostgreSQL
 * schema (dropped on close) in {@code SLUICE_TEST_PG_URL} (default the local {@code test} database).
 * When PostgreSQL is unreachable the PostgreSQL variants are reported as aborted, not passed.
 */
public final class TestDatabases {
  public static final String PG_URL = env("SLUICE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String PG_USER = env("SLUICE_TEST_PG_USER", "postgres");

  private TestDatabases() {
  }

  /** An open, migrated database and what to undo afterwards. */
  public record TestDb(Database db, String url, String username, Runnable cleanup) implements AutoCloseable {
    @Override
    public void close() {
      db.close();
      cleanup.run();
    }
  }

  public static TestDb open(Database.Dialect dialect, Path tempDir) {
    return dialect == Database.Dialect.SQLITE ? sqlite(tempDir) : postgres();
  }

  public static TestDb sqlite(Path tempDir) {
    String url = "jdbc:sqlite:" + tempDir.resolve("t-" + UUID.randomUUID() + ".db");
    return new TestDb(Database.open(url, "", "", 4), url, "", () -> { });
  }

  public static TestDb postgres() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    try (Connection c = adminConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      Prerequisites.missing("PostgreSQL not reachable at " + PG_URL + ": " + e.getMessage());
    }
    String url = PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    Database db = Database.open(url, PG_USER, "", 4);
    return new TestDb(db, url, PG_USER, () -> {
      try (Connection c = adminConnection(); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static Connection adminConnection() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", PG_USER);
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(PG_URL, p);
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
