package dev.sluice.keys;

import dev.sluice.storage.Database;
import dev.sluice.storage.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link KeyRepository} over the {@code api_keys} table; the same SQL on SQLite and PostgreSQL. */
public final class JdbcKeyRepository implements KeyRepository {
  private static final String COLUMNS =
      "id, prefix, name, plan, models, created_at, expires_at, revoked_at, last_used_at";

  private final Database db;

  public JdbcKeyRepository(Database db) {
    this.db = db;
  }

  @Override
  public void insert(ApiKey key, String keyHash) {
    Jdbc.run(db, "storing a key", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS
          + ", key_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, key.id());
        ps.setString(2, key.prefix());
        ps.setString(3, key.name());
        ps.setString(4, key.plan());
        ps.setString(5, String.join(",", key.models()));
        ps.setLong(6, key.createdAt().toEpochMilli());
        setInstant(ps, 7, key.expiresAt());
        setInstant(ps, 8, key.revokedAt());
        setInstant(ps, 9, key.lastUsedAt());
        ps.setString(10, keyHash);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<ApiKey> findByHash(String keyHash) {
    return queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?", keyHash);
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", id);
  }

  @Override
  public List<ApiKey> findByPrefix(String prefix) {
    String escaped = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    return query("SELECT " + COLUMNS + " FROM api_keys WHERE prefix LIKE ? ESCAPE '!' ORDER BY created_at, id",
        escaped + "%");
  }

  @Override
  public List<ApiKey> list() {
    return query("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return Jdbc.run(db, "revoking a key", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setString(2, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public boolean replaceHash(String id, String newHash, String newPrefix) {
    return Jdbc.run(db, "rotating a key", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE api_keys SET key_hash = ?, prefix = ? WHERE id = ?")) {
        ps.setString(1, newHash);
        ps.setString(2, newPrefix);
        ps.setString(3, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public boolean setPlan(String id, String plan) {
    return Jdbc.run(db, "changing a key's plan", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET plan = ? WHERE id = ?")) {
        ps.setString(1, plan);
        ps.setString(2, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public void touch(Map<String, Instant> lastUse) {
    if (lastUse.isEmpty()) {
      return;
    }
    Jdbc.inTransaction(db, "recording key use", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used_at = ? "
          + "WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
        for (var e : lastUse.entrySet()) {
          long t = e.getValue().toEpochMilli();
          ps.setLong(1, t);
          ps.setString(2, e.getKey());
          ps.setLong(3, t);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  private Optional<ApiKey> queryOne(String sql, String arg) {
    List<ApiKey> rows = query(sql, arg);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private List<ApiKey> query(String sql, String... args) {
    return Jdbc.run(db, "reading keys", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setString(i + 1, args[i]);
        }
        List<ApiKey> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
        return out;
      }
    });
  }

  private static ApiKey read(ResultSet rs) throws SQLException {
    String models = rs.getString("models");
    List<String> modelList = models == null || models.isEmpty()
        ? List.of() : Arrays.asList(models.split(","));
    return new ApiKey(rs.getString("id"), rs.getString("prefix"), rs.getString("name"),
        rs.getString("plan"), modelList, instant(rs, "created_at"), instant(rs, "expires_at"),
        instant(rs, "revoked_at"), instant(rs, "last_used_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, t.toEpochMilli());
    }
  }
}
