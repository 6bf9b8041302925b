package dev.sluice.accounts.oauth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an OAuth callback, from the request the browser made or from what the user
 * pasted: a full URL ({@code http://localhost:1455/auth/callback?code=...&state=...}), or just its
 * query string.
 */
public record CallbackParams(String code, String state, String error, String errorDescription) {

  @Override
  public String toString() {
    return "CallbackParams[state=" + state + ", error=" + error + "]";
  }

  /** Parses pasted text; empty when it holds neither a code nor an error. */
  public static Optional<CallbackParams> parsePasted(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    String query = t;
    int q = t.indexOf('?');
    if (q >= 0) {
      query = t.substring(q + 1);
    } else if (t.startsWith("http://") || t.startsWith("https://")) {
      try {
        query = URI.create(t).getRawQuery();
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    int hash = query == null ? -1 : query.indexOf('#');
    if (hash >= 0) {
      query = query.substring(0, hash);
    }
    return fromQuery(query);
  }

  /** Parses a raw (still encoded) query string. */
  public static Optional<CallbackParams> fromQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isBlank()) {
      return Optional.empty();
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        m.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    String code = blankToNull(m.get("code"));
    String error = blankToNull(m.get("error"));
    if (code == null && error == null) {
      return Optional.empty();
    }
    return Optional.of(new CallbackParams(code, blankToNull(m.get("state")), error,
        blankToNull(m.get("error_description"))));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
