package dev.sluice.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/gemini/request/NAME.json: the upstream model, a chat request and the GenerateContentRequest
 * it becomes (each member read and written back by the google-genai SDK's types), or the 400 naming
 * the field it causes. {@code -Dgolden.update=true} rewrites {@code gemini} (review the diff).
 */
class ChatToGenerateContentRequestGoldenTest {

  @TestFactory
  Stream<DynamicTest> requests() {
    return Golden.cases("gemini/request", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode chat = (ObjectNode) doc.get("chat");
    String model = doc.path("model").asText();
    String before = chat.toString();
    if (doc.has("error")) {
      JsonNode expected = doc.get("error");
      assertThatThrownBy(() -> ChatToGenerateContentRequest.translate(chat, model))
          .isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().type()).isEqualTo("invalid_request_error");
            assertThat(e.error().param()).isEqualTo(expected.path("param").asText());
            assertThat(e.error().message()).isNotBlank();
          });
      return;
    }
    ObjectNode out = ChatToGenerateContentRequest.translate(chat, model);
    if (Golden.UPDATE) {
      doc.set("gemini", out);
      Golden.write(p, doc);
    }
    assertThat(Json.parse(Json.write(out))).isEqualTo(doc.get("gemini"));
    GeminiSdk.validRequest(out);
    assertThat(chat.toString()).as("translate leaves its input alone").isEqualTo(before);
  }
}
