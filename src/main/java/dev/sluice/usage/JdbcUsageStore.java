package dev.sluice.usage;

import dev.sluice.storage.Database;
import dev.sluice.storage.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

  @Override
  public void insert(List<UsageRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    Jdbc.inTransaction(db, "writing usage", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_records (time_ms, day, "
          + "request_id, key_id, endpoint, model, upstream, account, prompt_tokens, completion_tokens, "
          + "cached_tokens, reasoning_tokens, latency_ms, status, error_code, upstream_model, attempts) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (UsageRecord r : records) {
          Instant time = r.time() == null ? Instant.now() : r.time();
          ps.setLong(1, time.toEpochMilli());
          ps.setString(2, day(time));
          ps.setString(3, clip(r.requestId(), 200));
          ps.setString(4, clip(r.keyId(), 64));
          ps.setString(5, clip(r.endpoint(), 100));
          ps.setString(6, clip(r.model(), 200));
          ps.setString(7, clip(r.upstream(), 200));
          ps.setString(8, clip(r.account(), 200));
          ps.setLong(9, r.promptTokens());
          ps.setLong(10, r.completionTokens());
          ps.setLong(11, r.cachedTokens());
          ps.setLong(12, r.reasoningTokens());
          ps.setLong(13, r.latencyMillis());
          ps.setInt(14, r.status());
          ps.setString(15, clip(r.errorCode(), 100));
          ps.setString(16, clip(r.upstreamModel(), 200));
          ps.setInt(17, r.attempts());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
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
