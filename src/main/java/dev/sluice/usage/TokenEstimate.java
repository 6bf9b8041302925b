package dev.sluice.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Dialect;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Counts tokens the gateway can see for itself, for the requests whose upstream never reported usage
 * (a client that hung up mid-stream): the text of the prompt, and the text of the events already
 * relayed. Counted with o200k_base; an estimate for models with other tokenizers.
 *
 * <p>{@link #relayed} is called per client event and only copies the text values of the members that
 * carry generated output ({@code content}, {@code delta}, {@code arguments}, {@code reasoning_content}
 * and {@code refusal}); tokens are counted when asked, and as the text grows past {@link #HELD_CHARS}
 * (up to its last white space, where the tokenizer splits too), so that a long answer holds a few
 * kilobytes per stream rather than all its text.
 */
public final class TokenEstimate {
  private static final byte[][] OPENAI_KEYS = {
      bytes("\"content\""), bytes("\"delta\""), bytes("\"arguments\""), bytes("\"reasoning_content\""),
      bytes("\"refusal\"")};
  /** Anthropic's deltas: {@code text_delta}, {@code thinking_delta}, {@code input_json_delta}. */
  private static final byte[][] ANTHROPIC_KEYS = {bytes("\"text\""), bytes("\"thinking\""),
      bytes("\"partial_json\"")};
  /** Gemini's parts: {@code text} (thoughts included); function call arguments arrive as objects. */
  private static final byte[][] GEMINI_KEYS = {bytes("\"text\"")};

  /** Output text held before its tokens are counted and it is let go. */
  static final int HELD_CHARS = 4096;

  private final StringBuilder text = new StringBuilder();
  private final byte[][] keys;
  /** Tokens of the text already let go. */
  private long counted;

  /** For the events of an OpenAI-dialect stream. */
  public TokenEstimate() {
    this(Dialect.OPENAI);
  }

  /** For the events of a stream in {@code dialect}. */
  public TokenEstimate(Dialect dialect) {
    this.keys = switch (dialect) {
      case OPENAI -> OPENAI_KEYS;
      case ANTHROPIC -> ANTHROPIC_KEYS;
      case GEMINI -> GEMINI_KEYS;
    };
  }

  /** Notes the output text of one client event (SSE framing, OpenAI dialects). */
  public void relayed(Buffer event) {
    // the event's own bytes when it has an array behind it (it does: SseWriter makes heap buffers)
    ByteBuf bb = ((BufferInternal) event).getByteBuf();
    boolean direct = bb.hasArray() && bb.arrayOffset() + bb.readerIndex() == 0 && bb.readableBytes() == bb.array().length;
    byte[] b = direct ? bb.array() : event.getBytes();
    int n = b.length;
    int i = 0;
    // one pass over the bytes: each string is skipped whole unless it is one of the keys
    while (i < n) {
      if (b[i] != '"') {
        i++;
        continue;
      }
      int close = endOfString(b, i + 1);
      int j = skipSpaces(b, close + 1);
      if (j < n && b[j] == ':' && isKey(b, i, close + 1)) {
        j = skipSpaces(b, j + 1);
        if (j < n && b[j] == '"') {
          i = readString(b, j + 1, text);
          continue;
        }
      }
      i = close + 1;
    }
    if (text.length() > HELD_CHARS) {
      countHeld();
    }
  }

  /**
   * Counts the text up to its last white space past half of {@link #HELD_CHARS} (else all of it but
   * a split surrogate pair) and lets it go.
   */
  private void countHeld() {
    int cut = text.length();
    for (int k = cut - 1; k >= HELD_CHARS / 2; k--) {
      if (Character.isWhitespace(text.charAt(k))) {
        cut = k;
        break;
      }
    }
    if (cut == text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    counted += count(text.subSequence(0, cut));
    text.delete(0, cut);
  }

  /** Characters of output text held now (for tests). */
  int heldChars() {
    return text.length();
  }

  /** Whether {@code b[from, to)}, a quoted name, is one of this dialect's output keys. */
  private boolean isKey(byte[] b, int from, int to) {
    int len = to - from;
    for (byte[] key : keys) {
      if (key.length == len && Arrays.equals(b, from, to, key, 0, len)) {
        return true;
      }
    }
    return false;
  }

  /** The index of the quote closing a string whose first byte is at {@code i}, or {@code b.length}. */
  private static int endOfString(byte[] b, int i) {
    int n = b.length;
    while (i < n && b[i] != '"') {
      i += b[i] == '\\' ? 2 : 1;
    }
    return Math.min(i, n);
  }

  /** Whether any output text was relayed. */
  public boolean hasText() {
    return counted > 0 || !text.isEmpty();
  }

  /** Tokens of the output text relayed so far. */
  public long completionTokens() {
    return counted + count(text);
  }

  /** Tokens of every string value under the prompt-carrying members of a request body. */
  public static long promptTokens(JsonNode body) {
    if (body == null) {
      return 0;
    }
    StringBuilder sb = new StringBuilder();
    for (String field : new String[] {"messages", "input", "instructions", "prompt", "system"}) {
      collect(body.get(field), sb);
    }
    return count(sb);
  }

  private static void collect(JsonNode node, StringBuilder into) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      into.append(node.asText()).append('\n');
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, into));
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!"type".equals(e.getKey()) && !"role".equals(e.getKey()) && !"id".equals(e.getKey())) {
          collect(e.getValue(), into);
        }
      }
    }
  }

  private static long count(CharSequence s) {
    return s.isEmpty() ? 0 : Tokenizer.O200K.countTokensOrdinary(s.toString());
  }

  /** Loaded on first use: most processes never need it. */
  private static final class Tokenizer {
    static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  }

  private static int skipSpaces(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** Decodes a JSON string starting after its opening quote; returns the index after the closing quote. */
  private static int readString(byte[] b, int i, StringBuilder into) {
    int n = b.length;
    int start = i;
    while (i < n && b[i] != '"') {
      i += b[i] == '\\' && i + 1 < n ? 2 : 1;
    }
    int end = Math.min(i, n);
    if (end > start) {
      into.append(unescape(new String(b, start, end - start, StandardCharsets.UTF_8)));
    }
    return Math.min(i + 1, n);
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        sb.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'u' -> {
          if (i + 4 < s.length()) {
            try {
              sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            } catch (NumberFormatException bad) {
              sb.append('?');
            }
            i += 4;
          }
        }
        default -> sb.append(e);
      }
    }
    return sb.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
