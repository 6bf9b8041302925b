package dev.sluice.dialect.openai.chat;

import dev.sluice.json.JsonScan;

/**
 * The figures of a chat {@code usage} object read off its bytes in one walk, without a tree: the
 * billed counts ({@code usage.TokenUsage.fromOpenAi} reads the same from a tree) and
 * {@link CacheUsageFields}'s cache counts, for the usual object, whose figures are plain integers. {@link #read} gives null for anything
 * else (a figure that is a string, a fraction or null, a details member that is not an object, a
 * figure named twice), which the tree then decides.
 */
public final class UsageFigures {
  /** A figure not in the object. */
  private static final long ABSENT = Long.MIN_VALUE;
  /** Digits of the longest figure read here; longer ones go to the tree. */
  private static final int MAX_DIGITS = 18;

  private long prompt = ABSENT;
  private long input = ABSENT;
  private long completion = ABSENT;
  private long output = ABSENT;
  private long cacheRead = ABSENT;
  private long cacheCreation = ABSENT;
  private long cacheHit = ABSENT;
  private long cachedContent = ABSENT;
  private long cachedContentCamel = ABSENT;
  private Details promptDetails;
  private Details inputDetails;
  private Details completionDetails;
  private Details outputDetails;
  private boolean empty = true;

  /** A {@code *_tokens_details} object's figures. */
  private static final class Details {
    long cached = ABSENT;
    long cacheWrite = ABSENT;
    long cacheCreation = ABSENT;
    long reasoning = ABSENT;
  }

  private UsageFigures() {
  }

  /** The figures of the object at {@code [from, to)}, or null when the tree should read it. */
  static UsageFigures read(byte[] b, int from, int to) {
    UsageFigures f = new UsageFigures();
    boolean[] odd = new boolean[1];
    int end = JsonScan.object(b, from, to, (nameStart, nameEnd, v) -> {
      f.empty = false;
      int after = JsonScan.skipValue(b, v, to);
      if (after == JsonScan.NONE) {
        return JsonScan.NONE;
      }
      if (!f.take(b, nameStart, nameEnd, v, after)) {
        odd[0] = true;
        return JsonScan.NONE;
      }
      return after;
    });
    return end == to && !odd[0] ? f : null;
  }

  /** Keeps the member if it is a figure; false when it is one in a form the tree should read. */
  private boolean take(byte[] b, int nameStart, int nameEnd, int v, int after) {
    int len = nameEnd - nameStart - 2;
    if (len < 12 || b[nameEnd - 2] != 's' && b[nameEnd - 2] != 't') {
      return true; // every name read here is 12 characters or more and ends in "tokens", "details" or "Count"
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "prompt_tokens")) {
      return (prompt = figure(b, v, after, prompt)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "completion_tokens")) {
      return (completion = figure(b, v, after, completion)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "input_tokens")) {
      return (input = figure(b, v, after, input)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "output_tokens")) {
      return (output = figure(b, v, after, output)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, CacheUsageFields.CACHE_READ)) {
      return (cacheRead = figure(b, v, after, cacheRead)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, CacheUsageFields.CACHE_CREATION)) {
      return (cacheCreation = figure(b, v, after, cacheCreation)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "prompt_cache_hit_tokens")) {
      return (cacheHit = figure(b, v, after, cacheHit)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "cached_content_token_count")) {
      return (cachedContent = figure(b, v, after, cachedContent)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "cachedContentTokenCount")) {
      return (cachedContentCamel = figure(b, v, after, cachedContentCamel)) != ABSENT;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "prompt_tokens_details")) {
      return promptDetails == null && (promptDetails = details(b, v, after)) != null;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "completion_tokens_details")) {
      return completionDetails == null && (completionDetails = details(b, v, after)) != null;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "input_tokens_details")) {
      return inputDetails == null && (inputDetails = details(b, v, after)) != null;
    }
    if (JsonScan.nameIs(b, nameStart, nameEnd, "output_tokens_details")) {
      return outputDetails == null && (outputDetails = details(b, v, after)) != null;
    }
    return true;
  }

  /** The figures of a details object at {@code [v, after)}, or null when it is not one read here. */
  private static Details details(byte[] b, int v, int after) {
    if (b[v] != '{') {
      return null;
    }
    Details d = new Details();
    boolean[] odd = new boolean[1];
    int end = JsonScan.object(b, v, after, (nameStart, nameEnd, w) -> {
      int valueEnd = JsonScan.skipValue(b, w, after);
      if (valueEnd == JsonScan.NONE) {
        return JsonScan.NONE;
      }
      boolean ok = true;
      if (JsonScan.nameIs(b, nameStart, nameEnd, "cached_tokens")) {
        ok = (d.cached = figure(b, w, valueEnd, d.cached)) != ABSENT;
      } else if (JsonScan.nameIs(b, nameStart, nameEnd, "reasoning_tokens")) {
        ok = (d.reasoning = figure(b, w, valueEnd, d.reasoning)) != ABSENT;
      } else if (JsonScan.nameIs(b, nameStart, nameEnd, "cache_write_tokens")) {
        ok = (d.cacheWrite = figure(b, w, valueEnd, d.cacheWrite)) != ABSENT;
      } else if (JsonScan.nameIs(b, nameStart, nameEnd, "cache_creation_tokens")) {
        ok = (d.cacheCreation = figure(b, w, valueEnd, d.cacheCreation)) != ABSENT;
      }
      if (!ok) {
        odd[0] = true;
        return JsonScan.NONE;
      }
      return valueEnd;
    });
    return end == after && !odd[0] ? d : null;
  }

  /**
   * The integer at {@code [v, after)}; {@link #ABSENT} when the figure was already read ({@code seen})
   * or is not a plain integer of at most {@link #MAX_DIGITS} digits.
   */
  private static long figure(byte[] b, int v, int after, long seen) {
    if (seen != ABSENT) {
      return ABSENT;
    }
    boolean negative = b[v] == '-';
    int i = negative ? v + 1 : v;
    if (i >= after || after - i > MAX_DIGITS) {
      return ABSENT;
    }
    long n = 0;
    for (; i < after; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return ABSENT;
      }
      n = n * 10 + d;
    }
    return negative ? -n : n;
  }

  private static long or0(long figure) {
    return figure == ABSENT ? 0 : figure;
  }

  private static long cached(Details d) {
    return d == null ? 0 : or0(d.cached);
  }

  /** {@code prompt_tokens}, else {@code input_tokens}, else 0. */
  public long promptTokens() {
    return prompt != ABSENT ? prompt : or0(input);
  }

  /** {@code completion_tokens}, else {@code output_tokens}, else 0. */
  public long completionTokens() {
    return completion != ABSENT ? completion : or0(output);
  }

  /** {@code cached_tokens} of {@code prompt_tokens_details}, else of {@code input_tokens_details}, else 0. */
  public long cachedTokens() {
    return cached(promptDetails != null ? promptDetails : inputDetails);
  }

  /** {@code reasoning_tokens} of {@code completion_tokens_details}, else of {@code output_tokens_details}, else 0. */
  public long reasoningTokens() {
    Details cd = completionDetails != null ? completionDetails : outputDetails;
    return cd == null ? 0 : or0(cd.reasoning);
  }

  /** {@link CacheUsageFields#cacheRead}: the first figure there is, in its order. */
  long cacheRead() {
    if (cacheRead != ABSENT) {
      return cacheRead;
    }
    if (promptDetails != null && promptDetails.cached != ABSENT) {
      return promptDetails.cached;
    }
    return cacheHit != ABSENT ? cacheHit : cachedContent != ABSENT ? cachedContent : or0(cachedContentCamel);
  }

  /** {@link CacheUsageFields#cacheCreation}: the first figure there is, in its order. */
  long cacheCreation() {
    if (cacheCreation != ABSENT) {
      return cacheCreation;
    }
    if (promptDetails == null) {
      return 0;
    }
    return promptDetails.cacheWrite != ABSENT ? promptDetails.cacheWrite : or0(promptDetails.cacheCreation);
  }

  boolean hasCacheRead() {
    return cacheRead != ABSENT;
  }

  boolean hasCacheCreation() {
    return cacheCreation != ABSENT;
  }

  boolean isEmpty() {
    return empty;
  }
}
