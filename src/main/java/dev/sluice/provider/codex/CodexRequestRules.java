package dev.sluice.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * The request contract of the ChatGPT Codex backend, as pure functions over a Responses request.
 * Stateless and thread-safe.
 */
public final class CodexRequestRules {
  /** Instructions sent when the request has none (or only blanks). */
  public static final String DEFAULT_INSTRUCTIONS = "You are a helpful assistant.";

  /** Top-level fields the backend rejects or that public clients strip before sending. */
  public static final List<String> STRIPPED = List.of("max_output_tokens", "max_completion_tokens",
      "max_tokens", "temperature", "top_p", "metadata", "prompt_cache_retention", "safety_identifier",
      "truncation", "user");

  /** Asked for in {@code include}, so that reasoning items can be replayed without storage. */
  public static final String ENCRYPTED_REASONING = "reasoning.encrypted_content";

  private static final int MAX_HEADER_SESSION = 128;

  private CodexRequestRules() {
  }

  /**
   * The request as the backend takes it: {@code stream:true}, {@code store:false}, a non-blank
   * {@code instructions} ({@link #DEFAULT_INSTRUCTIONS} when missing or blank, even when the input
   * carries a developer/system message), the {@link #STRIPPED} fields removed, a string {@code input}
   * wrapped as one user message (an empty string as no input: the backend takes only a list), and
   * {@link #ENCRYPTED_REASONING} added to {@code include} (reasoning items are then replayable, see
   * {@link RelayedItems}). Everything else (input items, tools of any type, the rest of include,
   * client_metadata, prompt_cache_key, reasoning, text, ...) passes untouched.
   *
   * <p>The result is a new top-level object whose nested nodes are shared with the input (no deep
   * copy); neither should be mutated below the top level afterwards.
   */
  public static ObjectNode forBackend(ObjectNode request) {
    ObjectNode out = Json.object();
    out.setAll(request);
    for (String field : STRIPPED) {
      out.remove(field);
    }
    if (blank(out.get("instructions"))) {
      out.put("instructions", DEFAULT_INSTRUCTIONS);
    }
    JsonNode input = out.get("input");
    if (input != null && input.isTextual()) {
      out.set("input", userMessage(input.asText()));
    }
    out.set("include", withEncryptedReasoning(out.get("include")));
    out.put("stream", true);
    out.put("store", false);
    return out;
  }

  /** {@code [{"type":"message","role":"user","content":[{"type":"input_text","text":...}]}]}; {@code []} for "". */
  private static ArrayNode userMessage(String text) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    if (!text.isEmpty()) {
      ObjectNode message = list.addObject().put("type", "message").put("role", "user");
      message.putArray("content").addObject().put("type", "input_text").put("text", text);
    }
    return list;
  }

  private static ArrayNode withEncryptedReasoning(JsonNode include) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (include != null && include.isArray()) {
      out.addAll((ArrayNode) include);
    }
    for (JsonNode v : out) {
      if (ENCRYPTED_REASONING.equals(v.asText())) {
        return out;
      }
    }
    return out.add(ENCRYPTED_REASONING);
  }

  /**
   * A stable id for the conversation, sent upstream as {@code session_id}, in this order:
   * <ol>
   *   <li>the client's {@code session_id}/{@code session-id} header, trimmed, if non-blank, at most
   *       128 characters and printable ASCII;</li>
   *   <li>else a name-based UUID of {@code prompt_cache_key} (the key itself is not sent);</li>
   *   <li>else a name-based UUID of the effective instructions (blank counts as
   *       {@link #DEFAULT_INSTRUCTIONS}, so this is the same before and after {@link #forBackend}) and
   *       the first input item with role {@code user} (or the input, when it is a string).</li>
   * </ol>
   * Later turns of one conversation repeat its start, so they map to the same id.
   *
   * @param sessionHeader the client's session header, or null
   */
  public static String sessionId(ObjectNode request, String sessionHeader) {
    if (sessionHeader != null) {
      String h = sessionHeader.trim();
      if (!h.isEmpty() && h.length() <= MAX_HEADER_SESSION && printableAscii(h)) {
        return h;
      }
    }
    JsonNode key = request.get("prompt_cache_key");
    if (key != null && key.isTextual() && !key.asText().isBlank()) {
      return uuid("prompt_cache_key\u0000" + key.asText());
    }
    JsonNode instructions = request.get("instructions");
    String effective = blank(instructions) ? DEFAULT_INSTRUCTIONS : instructions.asText();
    return uuid("conversation\u0000" + effective + "\u0000" + firstUserInput(request.get("input")));
  }

  private static String firstUserInput(JsonNode input) {
    if (input == null || input.isNull()) {
      return "";
    }
    if (input.isTextual()) {
      return input.asText();
    }
    for (JsonNode item : input) {
      if ("user".equals(item.path("role").asText())) {
        JsonNode content = item.get("content");
        return content == null ? "" : content.isTextual() ? content.asText() : Json.write(content);
      }
    }
    return "";
  }

  private static String uuid(String name) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (digest[i] & 0xff);
      lsb = (lsb << 8) | (digest[8 + i] & 0xff);
    }
    msb = (msb & ~0xF000L) | 0x8000L;
    lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  private static boolean blank(JsonNode node) {
    return node == null || !node.isTextual() || node.asText().isBlank();
  }

  private static boolean printableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
