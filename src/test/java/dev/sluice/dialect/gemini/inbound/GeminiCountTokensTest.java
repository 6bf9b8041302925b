package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;

class GeminiCountTokensTest {

  private static long count(String json) throws Exception {
    return GeminiCountTokens.count((ObjectNode) Json.parse(json)).path("totalTokens").asLong();
  }

  @Test
  void countsEveryTextTheModelSees() throws Exception {
    String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
        + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Read a.txt\"},"
        + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AA==\"}}]},"
        + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"read_file\",\"args\":{\"path\":\"a.txt\"}}}]},"
        + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"read_file\",\"response\":{\"output\":\"alpha\"}}}]}],"
        + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"read_file\",\"description\":\"Reads\"}]}]}";
    long expected = GeminiCountTokens.textTokens("Be brief.") + GeminiCountTokens.textTokens("Read a.txt") + GeminiCountTokens.PER_MEDIA
        + GeminiCountTokens.textTokens("read_file") + GeminiCountTokens.textTokens("{\"path\":\"a.txt\"}")
        + GeminiCountTokens.textTokens("read_file") + GeminiCountTokens.textTokens("{\"output\":\"alpha\"}")
        + GeminiCountTokens.textTokens("{\"name\":\"read_file\",\"description\":\"Reads\"}");
    assertThat(count(body)).isEqualTo(expected).isGreaterThan(GeminiCountTokens.PER_MEDIA + 20);
    assertThat(count("{\"generateContentRequest\":{\"model\":\"models/gemini-2.5-pro\"," + body.substring(1) + "}"))
        .as("the generateContentRequest form").isEqualTo(expected);
    assertThat(count("{\"contents\":[{\"parts\":[{\"text\":\"hello world\"}]}]}")).isEqualTo(2);
    assertThat(count("{\"system_instruction\":{\"parts\":[{\"text\":\"hello world\"}]},\"contents\":[]}")).isEqualTo(2);
  }

  @Test
  void aBodyWithoutContentsIsA400() {
    for (String body : new String[] {"{}", "{\"contents\":{}}", "{\"contents\":\"hi\"}"}) {
      assertThatThrownBy(() -> count(body)).isInstanceOfSatisfying(GatewayException.class,
          e -> assertThat(e.error().param()).isEqualTo("contents"));
    }
  }
}
