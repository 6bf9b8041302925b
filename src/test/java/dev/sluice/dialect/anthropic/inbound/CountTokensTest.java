package dev.sluice.dialect.anthropic.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * {@link CountTokens}: each part of a count_tokens body adds its o200k_base count plus the documented
 * overhead, checked against jtokkit directly.
 */
class CountTokensTest {
  private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private static long count(String json) throws Exception {
    return CountTokens.count((ObjectNode) Json.parse(json)).get("input_tokens").asLong();
  }

  private static int tok(String text) {
    return O200K.countTokensOrdinary(text);
  }

  @Test
  void systemAndStringMessage() throws Exception {
    long n = count("{\"model\":\"m\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello world\"}]}");
    assertThat(n).isEqualTo(CountTokens.PER_REQUEST + tok("Be brief.") + CountTokens.PER_MESSAGE + tok("Hello world"));
    assertThat(tok("Hello world")).isEqualTo(2);
  }

  @Test
  void everyBlockKind() throws Exception {
    String pdf = Base64.getEncoder().encodeToString(
        "%PDF-1.4 1 0 obj <</Type /Pages>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page>>".getBytes(StandardCharsets.ISO_8859_1));
    long n = count("{\"system\":[{\"type\":\"text\",\"text\":\"sys\"}],\"messages\":["
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
        + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x/y.png\"}},"
        + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"" + pdf + "\"}}]},"
        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"s\"},"
        + "{\"type\":\"redacted_thinking\",\"data\":\"zzz\"},"
        + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"Read\",\"input\":{\"path\":\"a.txt\"}}]},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\",\"text\":\"data\"}]}]}]}");
    long expected = CountTokens.PER_REQUEST
        + CountTokens.PER_BLOCK + tok("sys")
        + CountTokens.PER_MESSAGE + 3 * CountTokens.PER_BLOCK + tok("look") + CountTokens.PER_IMAGE + 2 * CountTokens.PER_PDF_PAGE
        + CountTokens.PER_MESSAGE + 3 * CountTokens.PER_BLOCK + tok("hmm") + tok("Read") + tok("{\"path\":\"a.txt\"}")
        + CountTokens.PER_MESSAGE + 2 * CountTokens.PER_BLOCK + tok("data");
    assertThat(n).isEqualTo(expected);
  }

  @Test
  void toolDefinitions() throws Exception {
    String schema = "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}";
    long base = count("{\"messages\":[]}");
    long n = count("{\"messages\":[],\"tools\":[{\"name\":\"Read\",\"description\":\"Read a file\",\"input_schema\":" + schema
        + "},{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}");
    assertThat(n - base).isEqualTo(2L * CountTokens.PER_TOOL + tok("Read") + tok("Read a file") + tok(schema)
        + tok("{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}"));
  }

  @Test
  void specialTokenTextCountsAsOrdinaryText() throws Exception {
    long n = count("{\"messages\":[{\"role\":\"user\",\"content\":\"<|endoftext|>\"}]}");
    assertThat(n).isEqualTo(CountTokens.PER_REQUEST + CountTokens.PER_MESSAGE + tok("<|endoftext|>"));
    assertThat(tok("<|endoftext|>")).isGreaterThan(1);
  }
}
