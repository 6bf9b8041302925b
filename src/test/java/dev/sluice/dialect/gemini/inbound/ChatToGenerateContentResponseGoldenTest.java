package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.types.GenerateContentResponse;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/gemini-inbound/response/NAME.json: a chat completion ({@code chat}), the client's
 * {@code model} and {@code include_thoughts}, and the Gemini response it becomes ({@code gemini});
 * the response must also parse as the google-genai SDK's {@link GenerateContentResponse}
 * (what it reads is checked in {@link GeminiSdkReadsTest}).
 */
class ChatToGenerateContentResponseGoldenTest {

  @TestFactory
  Stream<DynamicTest> responses() {
    return Golden.cases("gemini-inbound/response", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode chat = (ObjectNode) doc.get("chat");
    String before = chat.toString();
    ObjectNode gemini = ChatToGenerateContentResponse.translate(chat, doc.get("model").asText(),
        doc.get("include_thoughts").asBoolean());
    JsonNode actual = Json.parse(Json.write(gemini));
    if (Golden.UPDATE) {
      doc.set("gemini", actual);
      Golden.write(p, doc);
    }
    assertThat(actual).isEqualTo(Golden.read(p).get("gemini"));
    assertThat(chat.toString()).as("translate leaves its input alone").isEqualTo(before);
    GenerateContentResponse sdk = GenerateContentResponse.fromJson(Json.write(gemini));
    assertThat(sdk.modelVersion()).contains(doc.get("model").asText());
    assertThat(sdk.candidates().orElseThrow()).hasSize(chat.path("choices").size());
  }
}
