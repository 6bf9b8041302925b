package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * Seed 001's chat completion response fields ("Response fields"): {@code usage} always carries
 * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens} (0 for models without prompt
 * caching), and {@code system_fingerprint} is not exposed. Applied to chat completion bodies and chunks
 * an OpenAI-compatible upstream sends; the Codex path writes the fields itself ({@link TokenUsage#toChat}).
 *
 * <p>The figures come from whatever the upstream reports: Anthropic-shaped {@code cache_read_input_tokens}
 * and {@code cache_creation_input_tokens} are kept; otherwise the read count is OpenAI's
 * {@code prompt_tokens_details.cached_tokens} (also what Anthropic's and Gemini's OpenAI-compatible
 * endpoints fill), DeepSeek's {@code prompt_cache_hit_tokens} or Gemini's cached content count
 * ({@code cached_content_token_count}, {@code cachedContentTokenCount}), and the creation count
 * {@code prompt_tokens_details.cache_write_tokens} or {@code cache_creation_tokens}.
 */
public final class CacheUsageFields {
  public static final String CACHE_READ = "cache_read_input_tokens";
  public static final String CACHE_CREATION = "cache_creation_input_tokens";
  public static final String FINGERPRINT = "system_fingerprint";
  private static final String QUOTED_FINGERPRINT = "\"" + FINGERPRINT + "\"";

  private CacheUsageFields() {
  }

  /** The cache-read count of a chat {@code usage} object, 0 when the upstream reports none. */
  static long cacheRead(JsonNode usage) {
    return first(usage.get(CACHE_READ), usage.path("prompt_tokens_details").get("cached_tokens"),
        usage.get("prompt_cache_hit_tokens"), usage.get("cached_content_token_count"),
        usage.get("cachedContentTokenCount"));
  }

  /** The cache-creation count of a chat {@code usage} object, 0 when the upstream reports none. */
  static long cacheCreation(JsonNode usage) {
    JsonNode details = usage.path("prompt_tokens_details");
    return first(usage.get(CACHE_CREATION), details.get("cache_write_tokens"),
        details.get("cache_creation_tokens"));
  }

  private static long first(JsonNode... candidates) {
    for (JsonNode c : candidates) {
      if (c != null && c.canConvertToLong()) {
        return c.asLong();
      }
    }
    return 0;
  }

  /** Sets both cache fields on a chat {@code usage} object from its own figures. */
  public static void fill(ObjectNode usage) {
    long read = cacheRead(usage);
    long creation = cacheCreation(usage);
    usage.put(CACHE_READ, read);
    usage.put(CACHE_CREATION, creation);
  }

  /**
   * A chat completion body as the client gets it: parsed once, only when it is a JSON object with a
   * {@code usage} object or a {@code system_fingerprint}, and written once; otherwise returned as it
   * came (also when it is not JSON: the relay's business, not this edit's).
   */
  public static byte[] body(byte[] json) {
    if (json.length == 0 || json[0] != '{') {
      return json;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (Exception e) {
      return json;
    }
    if (!(root instanceof ObjectNode o)) {
      return json;
    }
    boolean changed = o.remove(FINGERPRINT) != null;
    if (o.get("usage") instanceof ObjectNode usage) {
      fill(usage);
      changed = true;
    }
    return changed ? Json.write(o).getBytes(StandardCharsets.UTF_8) : json;
  }

  /**
   * Removes every {@code "system_fingerprint"} member (a string or null) from a chunk's
   * JSON text without parsing it; a quote inside a JSON string is escaped, so the pattern cannot match
   * string content. Returns the same instance when there is none.
   */
  public static String withoutFingerprint(String data) {
    int i = data.indexOf(QUOTED_FINGERPRINT);
    if (i < 0) {
      return data;
    }
    int j = skipSpaces(data, i + QUOTED_FINGERPRINT.length());
    if (j >= data.length() || data.charAt(j) != ':') {
      return data;
    }
    j = skipSpaces(data, j + 1);
    int end = valueEnd(data, j);
    if (end < 0) {
      return data;
    }
    int before = i - 1;
    while (before >= 0 && Character.isWhitespace(data.charAt(before))) {
      before--;
    }
    int after = skipSpaces(data, end);
    String out;
    if (before >= 0 && data.charAt(before) == ',') {
      out = data.substring(0, before) + data.substring(end);
    } else if (after < data.length() && data.charAt(after) == ',') {
      out = data.substring(0, i) + data.substring(after + 1);
    } else {
      out = data.substring(0, i) + data.substring(end);
    }
    return withoutFingerprint(out);
  }

  /** End (exclusive) of a JSON string or {@code null} starting at {@code i}; -1 for anything else. */
  private static int valueEnd(String s, int i) {
    if (s.startsWith("null", i)) {
      return i + 4;
    }
    if (i >= s.length() || s.charAt(i) != '"') {
      return -1;
    }
    for (int k = i + 1; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '\\') {
        k++;
      } else if (c == '"') {
        return k + 1;
      }
    }
    return -1;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
