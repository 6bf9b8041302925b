package dev.sluice.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs JDBC work on a pooled connection, turning {@link SQLException} into {@link StorageException}. */
public final class Jdbc {
  /** Work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private Jdbc() {
  }

  public static <T> T run(Database db, String what, Work<T> work) {
    try (Connection c = db.connection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new StorageException(what + " failed: " + safeMessage(e), null);
    }
  }

  /**
   * The first line of the driver's message: PostgreSQL puts offending values (which could be a key
   * hash) in a following "Detail" line, so the cause itself is not kept either.
   */
  static String safeMessage(SQLException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return e.getSQLState() == null ? m : m + " [SQLState " + e.getSQLState() + "]";
  }

  /** Runs {@code work} in one transaction, rolled back when it throws. */
  public static <T> T inTransaction(Database db, String what, Work<T> work) {
    return run(db, what, c -> {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    });
  }
}
