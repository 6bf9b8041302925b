package dev.sluice.dialect.anthropic.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/anthropic-inbound/response/NAME.json: a chat completion ({@code chat}), the client's
 * {@code model}, and the Messages response it becomes ({@code message}); the response must also
 * parse and validate as the anthropic-java SDK's {@link Message}.
 */
class ChatToMessagesResponseGoldenTest {

  @TestFactory
  Stream<DynamicTest> responses() {
    return Golden.cases("anthropic-inbound/response", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode message = ChatToMessagesResponse.translate((ObjectNode) doc.get("chat"), doc.get("model").asText());
    JsonNode actual = Json.parse(Json.write(message));
    if (Golden.UPDATE) {
      doc.set("message", actual);
      Golden.write(p, doc);
    }
    assertThat(actual).isEqualTo(Golden.read(p).get("message"));
    Message sdk = ObjectMappers.jsonMapper().readValue(Json.write(message), Message.class);
    sdk.validate();
    assertThat(sdk.model().asString()).isEqualTo(doc.get("model").asText());
  }
}
