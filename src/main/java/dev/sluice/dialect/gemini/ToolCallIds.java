package dev.sluice.dialect.gemini;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAI {@code tool_call.id} a chat client sees for a Gemini {@code functionCall}, carrying what
 * Gemini needs back on the next turn: the call's own {@code id} (when Gemini gave one) and its
 * {@code thoughtSignature} (Gemini 3), so that a client which knows nothing of either echoes them.
 *
 * <p>{@code call_<nonce>[_i<hex of Gemini's id>][_s<signature>|_u<signature as text>]}: the nonce is 24
 * letters and digits (every call, signed or not, gets its own id); a signature in canonical padded
 * base64 is carried in the base64url alphabet without padding ({@code _s}, which maps back to the
 * exact original), anything else as the base64url of its UTF-8 bytes ({@code _u}). The whole id is
 * {@code [A-Za-z0-9_-]}: no client, and no other upstream's id pattern (Anthropic's included), refuses it.
 * Ids of another shape (another upstream's, a client's own) decode to nothing.
 */
public final class ToolCallIds {
  /** What Gemini 3 accepts in place of a signature it never gave (history from elsewhere). */
  public static final String SKIP_SIGNATURE = "skip_thought_signature_validator";
  static final int NONCE_LENGTH = 24;
  private static final Pattern ID = Pattern.compile(
      "call_[A-Za-z0-9]{" + NONCE_LENGTH + "}(?:_i([0-9a-f]+))?(?:_([su])([A-Za-z0-9_-]+))?");
  private static final Pattern CANONICAL = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a chat id carried: Gemini's call id and the signature, each null when absent. */
  public record Decoded(String geminiId, String signature) {
    static final Decoded NOTHING = new Decoded(null, null);
  }

  private ToolCallIds() {
  }

  /** Random nonces of the right shape. */
  public static Supplier<String> randomNonces() {
    return () -> {
      char[] c = new char[NONCE_LENGTH];
      for (int i = 0; i < c.length; i++) {
        c[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
      }
      return new String(c);
    };
  }

  /**
   * The chat id of one call.
   *
   * @param nonce {@value #NONCE_LENGTH} letters and digits
   * @param geminiId the call's {@code id}, or null
   * @param signature its {@code thoughtSignature}, or null
   */
  public static String encode(String nonce, String geminiId, String signature) {
    if (nonce.length() != NONCE_LENGTH || !nonce.chars().allMatch(ch -> ALPHABET.indexOf(ch) >= 0)) {
      throw new IllegalArgumentException("a nonce is " + NONCE_LENGTH + " letters and digits");
    }
    StringBuilder sb = new StringBuilder("call_").append(nonce);
    if (geminiId != null && !geminiId.isEmpty()) {
      sb.append("_i").append(HexFormat.of().formatHex(geminiId.getBytes(StandardCharsets.UTF_8)));
    }
    if (signature != null && !signature.isEmpty()) {
      if (CANONICAL.matcher(signature).matches()) {
        sb.append("_s").append(signature.replace('+', '-').replace('/', '_').replace("=", ""));
      } else {
        sb.append("_u").append(Base64.getUrlEncoder().withoutPadding()
            .encodeToString(signature.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return sb.toString();
  }

  /** What a chat id carries; {@link Decoded#NOTHING}'s nulls for an id Sluice did not make. */
  public static Decoded decode(String chatId) {
    if (chatId == null) {
      return Decoded.NOTHING;
    }
    Matcher m = ID.matcher(chatId);
    if (!m.matches()) {
      return Decoded.NOTHING;
    }
    try {
      String id = m.group(1) == null ? null
          : new String(HexFormat.of().parseHex(m.group(1)), StandardCharsets.UTF_8);
      String sig = null;
      if ("s".equals(m.group(2))) {
        String b = m.group(3).replace('-', '+').replace('_', '/');
        sig = b + "=".repeat((4 - b.length() % 4) % 4);
      } else if ("u".equals(m.group(2))) {
        sig = new String(Base64.getUrlDecoder().decode(m.group(3)), StandardCharsets.UTF_8);
      }
      return new Decoded(id, sig);
    } catch (IllegalArgumentException e) {
      return Decoded.NOTHING;
    }
  }
}
