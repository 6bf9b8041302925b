package dev.sluice.dialect.openai.chat;

import dev.sluice.json.JsonScan;
import java.util.Arrays;

/**
 * The figures of a chat {@code usage} object read off its bytes in one walk, without a tree: the
 * billed counts ({@code usage.TokenUsage.fromOpenAi} reads the same from a tree) and
 * {@link CacheUsageFields}'s cache counts, for the usual object, whose figures are plain integers.
 * {@link #read} gives null for anything else (a figure that is a string, a fraction or null, a
 * details member that is not an object, a figure named twice), which the tree then decides.
 */
public final class UsageFigures {
  /** A figure not in the object. */
  private static final long ABSENT = Long.MIN_VALUE;
  /** Digits of the longest figure read here; longer ones go to the tree. */
  private static final int MAX_DIGITS = 18;

  /** The usage object's figures read, by index. */
  private static final String[] TOP = {"prompt_tokens", "completion_tokens", "input_tokens", "output_tokens",
      CacheUsageFields.CACHE_READ, CacheUsageFields.CACHE_CREATION, "prompt_cache_hit_tokens",
      "cached_content_token_count", "cachedContentTokenCount"};
  private static final int PROMPT = 0;
  private static final int COMPLETION = 1;
  private static final int INPUT = 2;
  private static final int OUTPUT = 3;
  private static final int CACHE_READ = 4;
  private static final int CACHE_CREATION = 5;
  private static final int CACHE_HIT = 6;
  private static final int CACHED_CONTENT = 7;
  private static final int CACHED_CONTENT_CAMEL = 8;

  /** Its details objects read, by index. */
  private static final String[] DETAILS = {"prompt_tokens_details", "completion_tokens_details",
      "input_tokens_details", "output_tokens_details"};
  private static final int PROMPT_DETAILS = 0;
  private static final int COMPLETION_DETAILS = 1;
  private static final int INPUT_DETAILS = 2;
  private static final int OUTPUT_DETAILS = 3;

  /** A details object's figures read, by index. */
  private static final String[] IN_DETAILS = {"cached_tokens", "reasoning_tokens", "cache_write_tokens",
      "cache_creation_tokens"};
  private static final int CACHED = 0;
  private static final int REASONING = 1;
  private static final int CACHE_WRITE = 2;
  private static final int DETAIL_CACHE_CREATION = 3;

  private final byte[] bytes;
  private final long[] top = absent(TOP.length);
  /** The details objects by {@link #DETAILS} index, each its figures by {@link #IN_DETAILS} index; null when absent. */
  private final long[][] details = new long[DETAILS.length][];
  private boolean empty = true;

  private UsageFigures(byte[] bytes) {
    this.bytes = bytes;
  }

  private static long[] absent(int n) {
    long[] a = new long[n];
    Arrays.fill(a, ABSENT);
    return a;
  }

  /** The figures of the object at {@code [from, to)}, or null when the tree should read it. */
  static UsageFigures read(byte[] b, int from, int to) {
    UsageFigures f = new UsageFigures(b);
    return walk(b, from, to, f::take) ? f : null;
  }

  /** What {@link #walk} hands each member (its value at {@code [v, after)}); false: the tree should read it. */
  private interface Take {
    boolean member(int nameStart, int nameEnd, int v, int after);
  }

  /** Walks the object at {@code [from, to)}, each member to {@code take}; false when it is not one read here. */
  private static boolean walk(byte[] b, int from, int to, Take take) {
    int end = JsonScan.object(b, from, to, (nameStart, nameEnd, v) -> {
      int after = JsonScan.skipValue(b, v, to);
      return after != JsonScan.NONE && take.member(nameStart, nameEnd, v, after) ? after : JsonScan.NONE;
    });
    return end == to;
  }

  /** Keeps the member if it is a figure; false when it is one in a form the tree should read. */
  private boolean take(int nameStart, int nameEnd, int v, int after) {
    empty = false;
    int figure = indexOf(TOP, bytes, nameStart, nameEnd);
    if (figure >= 0) {
      return put(top, figure, bytes, v, after);
    }
    int d = indexOf(DETAILS, bytes, nameStart, nameEnd);
    if (d >= 0) {
      return details[d] == null && (details[d] = details(bytes, v, after)) != null;
    }
    return true;
  }

  /** The figures of a details object at {@code [v, after)}, or null when it is not one read here. */
  private static long[] details(byte[] b, int v, int after) {
    long[] d = absent(IN_DETAILS.length);
    boolean read = b[v] == '{' && walk(b, v, after, (nameStart, nameEnd, w, valueEnd) -> {
      int figure = indexOf(IN_DETAILS, b, nameStart, nameEnd);
      return figure < 0 || put(d, figure, b, w, valueEnd);
    });
    return read ? d : null;
  }

  /** The index in {@code names} of the quoted name at {@code [nameStart, nameEnd)}, or -1. */
  private static int indexOf(String[] names, byte[] b, int nameStart, int nameEnd) {
    for (int i = 0; i < names.length; i++) {
      if (JsonScan.nameIs(b, nameStart, nameEnd, names[i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Stores the integer at {@code [v, after)} as {@code figures[i]}; false when that figure was read
   * already or this one is not a plain integer of at most {@link #MAX_DIGITS} digits.
   */
  private static boolean put(long[] figures, int i, byte[] b, int v, int after) {
    if (figures[i] != ABSENT) {
      return false;
    }
    boolean negative = b[v] == '-';
    int k = negative ? v + 1 : v;
    if (k >= after || after - k > MAX_DIGITS) {
      return false;
    }
    long n = 0;
    for (; k < after; k++) {
      int digit = b[k] - '0';
      if (digit < 0 || digit > 9) {
        return false;
      }
      n = n * 10 + digit;
    }
    figures[i] = negative ? -n : n;
    return true;
  }

  /** The first figure there is of {@code candidates}, else 0. */
  private static long first(long... candidates) {
    for (long c : candidates) {
      if (c != ABSENT) {
        return c;
      }
    }
    return 0;
  }

  /** Figure {@code i} of details object {@code d}, {@link #ABSENT} when the object or the figure is. */
  private long detail(int d, int i) {
    return details[d] == null ? ABSENT : details[d][i];
  }

  /** The details object {@code preferred}, else {@code other} (as {@code has()} picks them on a tree). */
  private int detailsOf(int preferred, int other) {
    return details[preferred] != null ? preferred : other;
  }

  /** {@code prompt_tokens}, else {@code input_tokens}, else 0. */
  public long promptTokens() {
    return first(top[PROMPT], top[INPUT]);
  }

  /** {@code completion_tokens}, else {@code output_tokens}, else 0. */
  public long completionTokens() {
    return first(top[COMPLETION], top[OUTPUT]);
  }

  /** {@code cached_tokens} of {@code prompt_tokens_details}, else of {@code input_tokens_details}, else 0. */
  public long cachedTokens() {
    return first(detail(detailsOf(PROMPT_DETAILS, INPUT_DETAILS), CACHED));
  }

  /** {@code reasoning_tokens} of {@code completion_tokens_details}, else of {@code output_tokens_details}, else 0. */
  public long reasoningTokens() {
    return first(detail(detailsOf(COMPLETION_DETAILS, OUTPUT_DETAILS), REASONING));
  }

  /** {@link CacheUsageFields#cacheRead}: the first figure there is, in its order. */
  long cacheRead() {
    return first(top[CACHE_READ], detail(PROMPT_DETAILS, CACHED), top[CACHE_HIT], top[CACHED_CONTENT], top[CACHED_CONTENT_CAMEL]);
  }

  /** {@link CacheUsageFields#cacheCreation}: the first figure there is, in its order. */
  long cacheCreation() {
    return first(top[CACHE_CREATION], detail(PROMPT_DETAILS, CACHE_WRITE),
        detail(PROMPT_DETAILS, DETAIL_CACHE_CREATION));
  }

  boolean hasCacheRead() {
    return top[CACHE_READ] != ABSENT;
  }

  boolean hasCacheCreation() {
    return top[CACHE_CREATION] != ABSENT;
  }

  boolean isEmpty() {
    return empty;
  }
}
