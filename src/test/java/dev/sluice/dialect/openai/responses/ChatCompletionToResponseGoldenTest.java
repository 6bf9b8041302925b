package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/chat-completion-to-response/NAME.json: the client's Responses {@code request}, the
 * {@code id_seed}, a chat {@code completion}, and the {@code response} it becomes (written with
 * {@code -Dgolden.update=true}); the response must also parse and validate as the SDK's {@link Response}.
 */
class ChatCompletionToResponseGoldenTest {

  @TestFactory
  Stream<DynamicTest> completions() {
    return Golden.cases("chat-completion-to-response", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    JsonNode completion = doc.get("completion");
    String before = completion.toString();
    ObjectNode response = ChatCompletionToResponse.translate(completion, doc.get("request"),
        doc.path("id_seed").asText(), ChatStreamCase.CLOCK);
    JsonNode actual = Json.parse(Json.write(response));
    if (Golden.UPDATE) {
      doc.set("response", actual);
      Golden.write(p, doc);
    }
    assertThat(actual).isEqualTo(Golden.read(p).get("response"));
    assertThat(completion.toString()).as("translate leaves its input alone").isEqualTo(before);
    ObjectMappers.jsonMapper().readValue(Json.write(response), Response.class).validate();
  }
}
