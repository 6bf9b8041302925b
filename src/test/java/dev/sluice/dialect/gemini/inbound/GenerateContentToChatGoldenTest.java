package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import dev.sluice.validation.RequestValidator;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/gemini-inbound/request/NAME.json: a Gemini request ({@code gemini}) for the path's
 * {@code model}, {@code stream} or not, and the chat request it becomes ({@code chat}, written with
 * {@code -Dgolden.update=true}); the chat request must pass the gateway's own chat completions
 * validation (openai-python's request surface), as an OpenAI client's would.
 */
class GenerateContentToChatGoldenTest {

  @TestFactory
  Stream<DynamicTest> requests() {
    return Golden.cases("gemini-inbound/request", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode request = (ObjectNode) doc.get("gemini");
    String before = request.toString();
    JsonNode actual = Json.parse(Json.write(GenerateContentToChat.translate(request, doc.get("model").asText(),
        doc.get("stream").asBoolean())));
    if (Golden.UPDATE) {
      doc.set("chat", actual);
      Golden.write(p, doc);
    }
    assertThat(actual).isEqualTo(Golden.read(p).get("chat"));
    assertThat(request.toString()).as("translate leaves its input alone").isEqualTo(before);
    RequestValidator.openai().validate(Endpoint.CHAT_COMPLETIONS, actual);
  }
}
