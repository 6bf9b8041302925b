package dev.sluice.accounts;

import dev.sluice.storage.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ChatGPT accounts in the PostgreSQL database, table {@code chatgpt_accounts}, shared by every
 * instance on it: each row sealed as the account files are (AES-256-GCM with {@code
 * accounts.encryption_key}, which every instance must share). A token refresh holds the account's
 * row lock ({@code SELECT ... FOR UPDATE}) from re-reading the tokens to storing the refreshed ones,
 * so across the cluster one instance refreshes and the others, waiting on the lock, read the new
 * tokens instead of spending the rotated refresh token a second time.
 *
 * <p>Blocking JDBC: call from worker threads.
 */
final class DatabaseAccountStore extends AccountStore {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseAccountStore.class);
  private final Database db;
  private final boolean ownsDatabase;
  private final Duration lockTimeout;

  /**
   * @param dir the accounts directory (its {@code secret.key} when no key is configured)
   * @param ownsDatabase whether {@link #close} closes {@code db}
   * @param lockTimeout longest wait for another instance's refresh of the same account
   */
  DatabaseAccountStore(Path dir, byte[] key, Database db, boolean ownsDatabase, Duration lockTimeout) {
    super(dir, key);
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    this.lockTimeout = lockTimeout;
  }

  @Override
  public List<Account> loadAll() {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("SELECT id, sealed FROM chatgpt_accounts ORDER BY id");
         ResultSet rs = ps.executeQuery()) {
      List<Account> out = new ArrayList<>();
      while (rs.next()) {
        try {
          out.add(unseal(rs.getString(2), "account " + rs.getString(1) + " in the database"));
        } catch (AccountStoreException e) {
          // one row sealed with another instance's key must not keep every other account from loading
          LOG.warn("{}: skipped; every instance on the database needs the same accounts.encryption_key",
              e.getMessage());
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading the accounts", e);
    }
  }

  @Override
  public Optional<Account> load(String accountId) {
    try (Connection c = db.connection()) {
      return read(c, accountId, false);
    } catch (SQLException e) {
      throw failure("reading account " + accountId, e);
    }
  }

  @Override
  public void save(Account account) {
    try (Connection c = db.connection()) {
      write(c, account);
    } catch (SQLException e) {
      throw failure("writing account " + account.id(), e);
    }
  }

  @Override
  public boolean delete(String accountId) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("DELETE FROM chatgpt_accounts WHERE id = ?")) {
      ps.setString(1, accountId);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure("deleting account " + accountId, e);
    }
  }

  @Override
  public boolean shared() {
    return true;
  }

  Database database() {
    return db;
  }

  @Override
  public String location() {
    return "the database (table chatgpt_accounts)";
  }

  /**
   * One transaction holding the account's row lock: {@code work} reads the row, refreshes if still
   * due and writes the new tokens, committed before the caller uses them.
   */
  @Override
  public <T> T withLease(String accountId, Function<Lease, T> work) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        try (Statement st = c.createStatement()) {
          st.execute("SET LOCAL lock_timeout = '" + Math.max(1, lockTimeout.toMillis()) + "ms'");
        }
        Optional<Account> locked = read(c, accountId, true);
        T out = work.apply(new Lease() {
          @Override
          public Optional<Account> current() {
            return locked;
          }

          @Override
          public void save(Account account) {
            try {
              write(c, account);
            } catch (SQLException e) {
              throw failure("writing account " + account.id(), e);
            }
          }
        });
        c.commit();
        return out;
      } catch (RuntimeException | SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("locking account " + accountId + " for a token refresh", e);
    }
  }

  private Optional<Account> read(Connection c, String accountId, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT sealed FROM chatgpt_accounts WHERE id = ?"
        + (lock ? " FOR UPDATE" : ""))) {
      ps.setString(1, accountId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(unseal(rs.getString(1), "account " + accountId + " in the database"))
            : Optional.empty();
      }
    }
  }

  private void write(Connection c, Account account) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO chatgpt_accounts (id, sealed, updated_at_ms) "
        + "VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at_ms = EXCLUDED.updated_at_ms")) {
      ps.setString(1, account.id());
      ps.setString(2, seal(account));
      ps.setLong(3, (account.updatedAt() == null ? Instant.now() : account.updatedAt()).toEpochMilli());
      ps.executeUpdate();
    }
  }

  private static AccountStoreException failure(String what, SQLException e) {
    return new AccountStoreException(what + " failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    if (ownsDatabase) {
      db.close();
    }
  }
}
