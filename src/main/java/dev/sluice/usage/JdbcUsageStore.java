package dev.sluice.usage;

import dev.sluice.storage.Database;
import dev.sluice.storage.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** {@link UsageStore} over the {@code usage_records} table; the same SQL on SQLite and PostgreSQL. */
public final class JdbcUsageStore implements UsageStore {
  private final Database db;

  public JdbcUsageStore(Database db) {
    this.db = db;
  }

  /** Rows per {@code INSERT}: 17 parameters each, 850 in all (SQLite allows 32,766, PostgreSQL 65,535). */
  static final int ROWS_PER_INSERT = 50;
  private static final int COLUMNS = 17;
  private static final String INSERT_ALL = insertSql(ROWS_PER_INSERT);

  /** {@code INSERT INTO usage_records (...) VALUES (...), ...} with {@code rows} rows of parameters. */
  static String insertSql(int rows) {
    StringBuilder sql = new StringBuilder("INSERT INTO usage_records (time_ms, day, request_id, key_id, endpoint, "
        + "model, upstream, account, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, "
        + "latency_ms, status, error_code, upstream_model, attempts) VALUES ");
    String row = "(" + "?, ".repeat(COLUMNS - 1) + "?)";
    for (int r = 0; r < rows; r++) {
      sql.append(r == 0 ? "" : ", ").append(row);
    }
    return sql.toString();
  }

  /**
   * Writes the records in one transaction, {@link #ROWS_PER_INSERT} rows to a statement: a row costs
   * its parameters, not a statement's execution and its round through the driver.
   */
  @Override
  public void insert(List<UsageRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    Jdbc.inTransaction(db, "writing usage", c -> {
      int full = records.size() / ROWS_PER_INSERT * ROWS_PER_INSERT;
      if (full > 0) {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ALL)) {
          for (int from = 0; from < full; from += ROWS_PER_INSERT) {
            bind(ps, records, from, from + ROWS_PER_INSERT);
            ps.executeUpdate();
          }
        }
      }
      if (full < records.size()) {
        try (PreparedStatement ps = c.prepareStatement(insertSql(records.size() - full))) {
          bind(ps, records, full, records.size());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  /** Binds {@code records[from, to)} as the statement's rows, in order. */
  private void bind(PreparedStatement ps, List<UsageRecord> records, int from, int to) throws SQLException {
    int p = 1;
    for (int i = from; i < to; i++) {
      UsageRecord r = records.get(i);
      Instant time = r.time() == null ? Instant.now() : r.time();
      ps.setLong(p++, time.toEpochMilli());
      ps.setString(p++, day(time));
      ps.setString(p++, clip(r.requestId(), 200));
      ps.setString(p++, clip(r.keyId(), 64));
      ps.setString(p++, clip(r.endpoint(), 100));
      ps.setString(p++, clip(r.model(), 200));
      ps.setString(p++, clip(r.upstream(), 200));
      ps.setString(p++, clip(r.account(), 200));
      ps.setLong(p++, r.promptTokens());
      ps.setLong(p++, r.completionTokens());
      ps.setLong(p++, r.cachedTokens());
      ps.setLong(p++, r.reasoningTokens());
      ps.setLong(p++, r.latencyMillis());
      ps.setInt(p++, r.status());
      ps.setString(p++, clip(r.errorCode(), 100));
      ps.setString(p++, clip(r.upstreamModel(), 200));
      ps.setInt(p++, r.attempts());
    }
  }

  /** The last day {@link #day} formatted; one reference, so threads never see half of it. */
  private record Day(long epochDay, String text) {
  }

  private Day lastDay = new Day(Long.MIN_VALUE, null);

  /** The UTC date of {@code time} ({@code 2026-12-03}), formatted once per day rather than per row. */
  private String day(Instant time) {
    long epochDay = Math.floorDiv(time.getEpochSecond(), 86_400L);
    Day d = lastDay;
    if (d.epochDay() != epochDay) {
      d = new Day(epochDay, LocalDate.ofEpochDay(epochDay).toString());
      lastDay = d;
    }
    return d.text();
  }

  /**
   * Fits a client-supplied string into its column: at most {@code max} chars, never half a
   * surrogate pair, and no NUL or lone surrogate (PostgreSQL refuses NUL in text, which failed the
   * whole batch and dropped every record in it).
   */
  static String clip(String s, int max) {
    if (s == null) {
      return null;
    }
    int end = Math.min(s.length(), max);
    if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))
        && Character.isLowSurrogate(s.charAt(end))) {
      end--;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1));
      boolean bad = c == 0 || (Character.isSurrogate(c) && !pair);
      if (bad && out == null) {
        out = new StringBuilder(end).append(s, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
        if (pair) {
          out.append(s.charAt(++i));
        }
      } else if (pair) {
        i++;
      }
    }
    return out != null ? out.toString() : end == s.length() ? s : s.substring(0, end);
  }

  @Override
  public List<UsageRow> summary(UsageQuery query) {
    String group = switch (query.by()) {
      case MODEL -> "COALESCE(model, '')";
      case KEY -> "COALESCE(key_id, '')";
      case DAY -> "day";
    };
    StringBuilder sql = new StringBuilder("SELECT ").append(group).append(" AS grp, COUNT(*) AS requests, "
        + "COALESCE(SUM(prompt_tokens), 0) AS prompt, COALESCE(SUM(completion_tokens), 0) AS completion, "
        + "COALESCE(SUM(cached_tokens), 0) AS cached, COALESCE(SUM(reasoning_tokens), 0) AS reasoning, "
        + "COALESCE(SUM(CASE WHEN status >= 400 OR error_code IS NOT NULL THEN 1 ELSE 0 END), 0) AS errors "
        + "FROM usage_records WHERE 1 = 1");
    if (query.keyId() != null) {
      sql.append(" AND key_id = ?");
    }
    if (query.since() != null) {
      sql.append(" AND time_ms >= ?");
    }
    sql.append(" GROUP BY ").append(group).append(" ORDER BY ").append(group);
    return Jdbc.run(db, "reading usage", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        if (query.keyId() != null) {
          ps.setString(i++, query.keyId());
        }
        if (query.since() != null) {
          ps.setLong(i, query.since().toEpochMilli());
        }
        List<UsageRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new UsageRow(rs.getString("grp"), rs.getLong("requests"), rs.getLong("prompt"),
                rs.getLong("completion"), rs.getLong("cached"), rs.getLong("reasoning"), rs.getLong("errors")));
          }
        }
        return out;
      }
    });
  }
}
