package dev.sluice.admin;

import dev.sluice.usage.UsageRow;
import dev.sluice.usage.UsageService;
import java.util.List;

/**
 * Usage rows as CSV (RFC 4180): a header, one line per group, then the total. A cell that a spreadsheet
 * would take for a formula ({@code = + - @}, tab, carriage return) is prefixed with {@code '}.
 */
final class UsageCsv {
  private UsageCsv() {
  }

  static String render(String by, List<UsageRow> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(by).append(",requests,prompt_tokens,completion_tokens,cached_tokens,reasoning_tokens,errors\r\n");
    for (UsageRow r : rows) {
      line(sb, r);
    }
    line(sb, UsageService.total(rows));
    return sb.toString();
  }

  private static void line(StringBuilder sb, UsageRow r) {
    sb.append(cell(r.group())).append(',').append(r.requests()).append(',').append(r.promptTokens()).append(',')
        .append(r.completionTokens()).append(',').append(r.cachedTokens()).append(',').append(r.reasoningTokens())
        .append(',').append(r.errors()).append("\r\n");
  }

  static String cell(String s) {
    if (s == null) {
      return "";
    }
    String v = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
