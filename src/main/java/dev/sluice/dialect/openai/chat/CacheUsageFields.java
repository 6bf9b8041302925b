package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.json.JsonScan;
import java.io.IOException;
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
   * A chat completion body as the client gets it, and its {@code usage} object: the figures read off
   * its bytes ({@code figures}), or, where those could not be read so, the object as a tree
   * ({@code usage}); both null when the body has none.
   */
  public record Edited(byte[] body, JsonNode usage, UsageFigures figures) {
    static Edited unchanged(byte[] body) {
      return new Edited(body, null, null);
    }
  }

  /** {@link #edit}'s body. */
  public static byte[] body(byte[] json) {
    return edit(json).body();
  }

  /**
   * A chat completion body as the client gets it, in one streaming pass and without a tree of the
   * whole body: the top-level {@code system_fingerprint} member cut out, and the cache fields the
   * {@code usage} object lacks inserted before its closing brace; everything else stays byte for byte.
   * A body that is not a JSON object comes back as it came (the relay's business, not this edit's).
   */
  public static Edited edit(byte[] json) {
    return edit(json, 0, json.length);
  }

  /**
   * {@link #edit(byte[])} of the {@code length} bytes at {@code offset} (a network buffer's backing
   * array, read in place). When nothing changes, the body returned is {@code json} itself, so the
   * caller can keep its buffer; otherwise a new array of the edited body alone.
   *
   * <p>The top-level members are found by walking the bytes ({@link JsonScan}), and the {@code usage}
   * object's figures too ({@link UsageFigures}); a usage object whose figures are not all plain
   * integers is parsed. A body the walk does not take as it expects (a member name with an escape in
   * it, text after the object, anything not JSON) goes to a JSON parser instead, which decides.
   */
  public static Edited edit(byte[] json, int offset, int length) {
    if (length == 0 || json[offset] != '{') {
      return Edited.unchanged(json);
    }
    int end = offset + length;
    TopMembers top = new TopMembers(json, end);
    int after = JsonScan.object(json, offset, end, top);
    if (after == JsonScan.NONE || JsonScan.skipSpace(json, after, end) != end) {
      return editByParser(json, offset, length);
    }
    if (top.usageStart < 0) {
      return splice(json, offset, length, top.fpStart, top.fpEnd, NOTHING, -1, null, null);
    }
    UsageFigures figures = UsageFigures.read(json, top.usageStart, top.usageEnd);
    if (figures != null) {
      return splice(json, offset, length, top.fpStart, top.fpEnd, missingFields(figures), top.usageEnd - 1,
          null, figures);
    }
    JsonNode usage;
    try {
      usage = Json.parse(json, top.usageStart, top.usageEnd - top.usageStart);
    } catch (IOException | RuntimeException e) {
      return editByParser(json, offset, length);
    }
    return splice(json, offset, length, top.fpStart, top.fpEnd, missingFields(usage), top.usageEnd - 1, usage,
        null);
  }

  /** The top-level members {@link #edit} looks for: the first fingerprint, the first object-valued usage. */
  private static final class TopMembers implements JsonScan.Member {
    private final byte[] json;
    private final int end;
    int fpStart = -1;
    int fpEnd = -1;
    int usageStart = -1;
    int usageEnd = -1;

    TopMembers(byte[] json, int end) {
      this.json = json;
      this.end = end;
    }

    @Override
    public int value(int nameStart, int nameEnd, int value) {
      int valueEnd = JsonScan.skipValue(json, value, end);
      if (valueEnd == JsonScan.NONE) {
        return JsonScan.NONE;
      }
      if (fpStart < 0 && JsonScan.nameIs(json, nameStart, nameEnd, FINGERPRINT)) {
        fpStart = nameStart;
        fpEnd = valueEnd;
      } else if (usageStart < 0 && json[value] == '{' && JsonScan.nameIs(json, nameStart, nameEnd, "usage")) {
        usageStart = value;
        usageEnd = valueEnd;
      }
      return valueEnd;
    }
  }

  /** {@link #edit(byte[], int, int)} with a streaming parser: the top-level members as tokens. */
  static Edited editByParser(byte[] json, int offset, int length) {
    if (length == 0 || json[offset] != '{') {
      return Edited.unchanged(json);
    }
    int fpStart = -1;
    int fpEnd = -1;
    int usageClose = -1;
    JsonNode usage = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(json, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Edited.unchanged(json);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int nameStart = offset + (int) p.currentTokenLocation().getByteOffset();
        JsonToken value = p.nextToken();
        if (FINGERPRINT.equals(name) && fpStart < 0) {
          p.skipChildren();
          p.finishToken(); // a string is read lazily: its end is known once it is finished
          fpStart = nameStart;
          fpEnd = offset + (int) p.currentLocation().getByteOffset();
        } else if ("usage".equals(name) && value == JsonToken.START_OBJECT && usage == null) {
          usage = Json.readValue(p);
          usageClose = offset + (int) p.currentTokenLocation().getByteOffset();
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return new Edited(json, usage, null);
      }
    } catch (IOException | RuntimeException e) {
      return Edited.unchanged(json);
    }
    return splice(json, offset, length, fpStart, fpEnd, usage == null ? NOTHING : missingFields(usage), usageClose,
        usage, null);
  }

  /**
   * The body with the member at {@code [fpStart, fpEnd)} cut out (none when {@code fpStart < 0}) and
   * {@code insert} (the cache fields the usage object lacks) before its closing brace at {@code usageClose}.
   */
  private static Edited splice(byte[] json, int offset, int length, int fpStart, int fpEnd, byte[] insert,
                               int usageClose, JsonNode usage, UsageFigures figures) {
    int end = offset + length;
    if (fpStart < 0 && insert.length == 0) {
      return new Edited(json, usage, figures);
    }
    // the edited body, in one array of its exact size: [offset, cut) + insert + ... without the member
    int[] cut = fpStart < 0 ? null : memberWithComma(json, offset, end, fpStart, fpEnd);
    int size = length + insert.length - (cut == null ? 0 : cut[1] - cut[0]);
    byte[] out = new byte[size];
    int at = 0;
    int from = offset;
    if (cut != null && cut[0] < usageClose) {
      at = copy(json, from, cut[0], out, at);
      from = cut[1];
      cut = null;
    }
    if (usageClose >= 0 && insert.length > 0) {
      at = copy(json, from, usageClose, out, at);
      System.arraycopy(insert, 0, out, at, insert.length);
      at += insert.length;
      from = usageClose;
    }
    if (cut != null) {
      at = copy(json, from, cut[0], out, at);
      from = cut[1];
    }
    copy(json, from, end, out, at);
    return new Edited(out, usage, figures);
  }

  private static final byte[] NOTHING = new byte[0];

  /** Copies {@code json[from, to)} to {@code out} at {@code at}; returns the position after it. */
  private static int copy(byte[] json, int from, int to, byte[] out, int at) {
    System.arraycopy(json, from, out, at, to - from);
    return at + to - from;
  }

  /** The members to insert into a {@code usage} object: the cache fields it does not hold yet. */
  private static byte[] missingFields(JsonNode usage) {
    return missingFields(usage.isEmpty(), !usage.has(CACHE_READ), cacheRead(usage), !usage.has(CACHE_CREATION),
        cacheCreation(usage));
  }

  /** {@link #missingFields(JsonNode)} from the figures read off the bytes. */
  private static byte[] missingFields(UsageFigures usage) {
    boolean read = !usage.hasCacheRead();
    boolean creation = !usage.hasCacheCreation();
    return missingFields(usage.isEmpty(), read, read ? usage.cacheRead() : 0, creation,
        creation ? usage.cacheCreation() : 0);
  }

  private static byte[] missingFields(boolean empty, boolean read, long readCount, boolean creation,
                                      long creationCount) {
    if (!read && !creation) {
      return NOTHING;
    }
    StringBuilder sb = new StringBuilder(64);
    if (read) {
      sb.append(",\"").append(CACHE_READ).append("\":").append(readCount);
    }
    if (creation) {
      sb.append(",\"").append(CACHE_CREATION).append("\":").append(creationCount);
    }
    return (empty ? sb.substring(1) : sb.toString()).getBytes(StandardCharsets.US_ASCII);
  }

  /** The byte range of the member at [start, end) with one of the commas beside it, within [from, to). */
  private static int[] memberWithComma(byte[] json, int from, int to, int start, int end) {
    int before = start - 1;
    while (before >= from && JsonScan.isSpace(json[before])) {
      before--;
    }
    if (before >= from && json[before] == ',') {
      return new int[] {before, end};
    }
    int after = JsonScan.skipSpace(json, end, to);
    return after < to && json[after] == ',' ? new int[] {start, after + 1} : new int[] {start, end};
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
