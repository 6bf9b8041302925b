package dev.sluice.dialect.anthropic.inbound;

import static dev.sluice.json.JsonFields.present;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the input tokens of a {@code POST /v1/messages/count_tokens} body when the upstream cannot
 * count, returning {@code {"input_tokens": n}}. Thread-safe.
 *
 * <p>Method: every text the model would see is encoded with o200k_base (jtokkit; special-token
 * strings count as ordinary text) and the token counts are summed:
 * <ul>
 *   <li>{@code system} (a string or text blocks);</li>
 *   <li>per message, its content: a string, or blocks — {@code text}, {@code thinking} (its thinking
 *       text), {@code tool_use} (name + compact JSON of {@code input}), {@code tool_result} (its content,
 *       recursively), {@code document} with a text source (its text); unknown blocks count their
 *       compact JSON;</li>
 *   <li>per tool: name, description and compact JSON of {@code input_schema}; a server tool (no
 *       schema) counts its compact JSON.</li>
 * </ul>
 * plus fixed overheads: {@value #PER_MESSAGE} tokens per message (role and turn framing),
 * {@value #PER_BLOCK} per content block, {@value #PER_TOOL} per tool (definition framing) and
 * {@value #PER_REQUEST} per request. Images count a fixed {@value #PER_IMAGE} tokens (Anthropic's
 * cost of an image at its ~1.15 megapixel cap: width × height / 750); a base64 PDF counts
 * {@value #PER_PDF_PAGE} per page (text plus page image), the pages estimated by the
 * {@code /Type /Page} objects in the file (at least one). {@code redacted_thinking} counts nothing.
 * o200k_base is not Claude's tokenizer; the count is exact for o200k_base and an estimate for Claude.
 */
public final class CountTokens {
  static final int PER_REQUEST = 3;
  static final int PER_MESSAGE = 4;
  static final int PER_BLOCK = 1;
  static final int PER_TOOL = 8;
  static final int PER_IMAGE = 1600;
  static final int PER_PDF_PAGE = 2000;
  private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  private static final Pattern PDF_PAGE = Pattern.compile("/Type\\s*/Page(?![a-zA-Z])");

  private CountTokens() {
  }

  public static ObjectNode count(ObjectNode request) {
    return Json.object().put("input_tokens", tokens(request));
  }

  /** The token count of a count_tokens (or messages) request body. */
  public static long tokens(JsonNode request) {
    long n = PER_REQUEST;
    JsonNode system = present(request, "system");
    if (system != null) {
      n += content(system);
    }
    for (JsonNode message : request.path("messages")) {
      n += PER_MESSAGE + content(message.path("content"));
    }
    for (JsonNode tool : request.path("tools")) {
      JsonNode schema = present(tool, "input_schema");
      n += PER_TOOL + (schema == null ? text(Json.write(tool))
          : text(tool.path("name").asText("")) + text(tool.path("description").asText("")) + text(Json.write(schema)));
    }
    return n;
  }

  private static long content(JsonNode content) {
    if (content.isTextual()) {
      return text(content.asText());
    }
    long n = 0;
    for (JsonNode block : content) {
      n += PER_BLOCK + block(block);
    }
    return n;
  }

  private static long block(JsonNode block) {
    return switch (block.path("type").asText("")) {
      case "text" -> text(block.path("text").asText(""));
      case "thinking" -> text(block.path("thinking").asText(""));
      case "redacted_thinking" -> 0;
      case "tool_use" -> text(block.path("name").asText("")) + text(Json.write(block.path("input")));
      case "tool_result" -> content(block.path("content"));
      case "image" -> PER_IMAGE;
      case "document" -> document(block.path("source"));
      default -> text(Json.write(block));
    };
  }

  private static long document(JsonNode source) {
    return switch (source.path("type").asText("")) {
      case "text" -> text(source.path("data").asText(""));
      case "content" -> content(source.path("content"));
      case "base64" -> (long) PER_PDF_PAGE * pdfPages(source.path("data").asText(""));
      default -> PER_PDF_PAGE;
    };
  }

  private static int pdfPages(String base64) {
    String pdf;
    try {
      pdf = new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      return 1;
    }
    int pages = 0;
    Matcher m = PDF_PAGE.matcher(pdf);
    while (m.find()) {
      pages++;
    }
    return Math.max(1, pages);
  }

  private static long text(String text) {
    return text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
  }
}
