package dev.sluice.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The pooled JDBC database (HikariCP) with the schema migrated by Flyway. An embedded SQLite file
 * by default, created on first use; PostgreSQL when the URL starts with {@code jdbc:postgresql:}.
 * All methods block: call them from worker threads only.
 */
public final class Database implements AutoCloseable {
  /** The SQL engine behind the URL. */
  public enum Dialect { SQLITE, POSTGRESQL }

  static final int DEDICATED_SOCKET_TIMEOUT_SECONDS = 30;

  private final HikariDataSource dataSource;
  private final Dialect dialect;

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /**
   * A connection of its own, outside the pool, for a session that lives long (PostgreSQL's LISTEN);
   * the caller closes it. TCP keep-alive on, and a statement waits at most {@value
   * #DEDICATED_SOCKET_TIMEOUT_SECONDS} s for the database (the URL's own settings win).
   */
  public Connection dedicatedConnection() throws SQLException {
    Properties p = new Properties();
    if (dataSource.getUsername() != null) {
      p.setProperty("user", dataSource.getUsername());
    }
    if (dataSource.getPassword() != null) {
      p.setProperty("password", dataSource.getPassword());
    }
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("socketTimeout", Integer.toString(DEDICATED_SOCKET_TIMEOUT_SECONDS));
    return DriverManager.getConnection(dataSource.getJdbcUrl(), p);
  }

  /** Opens the database of the {@code storage:} config section and migrates it. */
  public static Database open(Config config) {
    return open(config.requireString("storage.url"), config.string("storage.username"),
        config.string("storage.password"), config.integer("storage.pool_size", 1, 64));
  }

  /** Opens and migrates the database at {@code url}; blank credentials are not sent. */
  public static Database open(String url, String username, String password, int poolSize) {
    Dialect dialect = dialectOf(url);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setPoolName("sluice-db");
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    if (username != null && !username.isBlank()) {
      hc.setUsername(username);
    }
    if (password != null && !password.isBlank()) {
      hc.setPassword(password);
    }
    if (dialect == Dialect.SQLITE) {
      SqliteLibrary.prepare();
      createPrivateFile(url);
      hc.setDriverClassName("org.sqlite.JDBC");
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.addDataSourceProperty("synchronous", "NORMAL");
      hc.addDataSourceProperty("foreign_keys", "true");
      // the driver otherwise runs "SELECT last_insert_rowid()" after every INSERT (a statement prepared,
      // stepped and closed, and a regex over the SQL) for keys no caller asks for
      hc.addDataSourceProperty("jdbc.get_generated_keys", "false");
    } else {
      hc.setDriverClassName("org.postgresql.Driver");
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StorageException("cannot open the database (" + describe(url) + "): " + rootMessage(e), e);
    }
    try {
      if (!isCurrent(ds)) {
        Flyway.configure()
            .dataSource(ds)
            .locations("classpath:db/migration")
            .load()
            .migrate();
      }
    } catch (RuntimeException e) {
      ds.close();
      throw new StorageException("cannot migrate the database (" + describe(url) + "): " + rootMessage(e), e);
    }
    return new Database(ds, dialect);
  }

  /**
   * The newest migration in {@code db/migration}. When the database already records it, start-up
   * skips Flyway (loading it and scanning the classpath costs a few hundred milliseconds); a test
   * keeps this in step with the migration files.
   */
  static final String SCHEMA_VERSION = "3";

  /** Whether Flyway's history already records {@link #SCHEMA_VERSION} as applied. */
  static boolean isCurrent(DataSource ds) {
    try (Connection c = ds.getConnection();
         var rs = c.createStatement().executeQuery("SELECT version, success FROM flyway_schema_history")) {
      while (rs.next()) {
        if (SCHEMA_VERSION.equals(rs.getString(1)) && rs.getBoolean(2)) {
          return true;
        }
      }
      return false;
    } catch (SQLException e) {
      return false;
    }
  }

  static Dialect dialectOf(String url) {
    if (url.startsWith("jdbc:sqlite:")) {
      return Dialect.SQLITE;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRESQL;
    }
    throw new ConfigException("storage.url", "expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, got '"
        + describe(url) + "'");
  }

  /** Owner-only: the database holds key names, key hashes and usage. */
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  /** The files SQLite keeps beside the database; it creates them with the database file's mode. */
  private static final List<String> SIDE_FILES = List.of("-wal", "-shm", "-journal");

  /**
   * Creates the SQLite file (and its directory) readable by its owner only, before the driver
   * would create it with the umask's mode, and narrows an existing one and its side files to that.
   */
  private static void createPrivateFile(String url) {
    String file = url.substring("jdbc:sqlite:".length());
    int q = file.indexOf('?');
    if (q >= 0) {
      file = file.substring(0, q);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.isEmpty() || file.startsWith(":memory:")) {
      return;
    }
    if (file.startsWith("~/")) {
      throw new ConfigException("storage.url", "'~' is not expanded in JDBC URLs; use an absolute path");
    }
    Path path = Path.of(file).toAbsolutePath();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      Path parent = path.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(parent);
      }
      if (!posix) {
        return;
      }
      if (!Files.exists(path)) {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(FILE_MODE));
      }
      Files.setPosixFilePermissions(path, FILE_MODE);
      for (String suffix : SIDE_FILES) {
        Path side = path.resolveSibling(path.getFileName() + suffix);
        if (Files.exists(side)) {
          Files.setPosixFilePermissions(side, FILE_MODE);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot create " + path + ": " + e.getMessage(), e);
    }
  }

  /** The URL without query parameters, which may hold credentials. */
  private static String describe(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
