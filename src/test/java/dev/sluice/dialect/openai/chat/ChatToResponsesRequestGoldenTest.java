package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.provider.codex.CodexRequestRules;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/chat-request/NAME.json: a chat request, the Responses request it becomes, and optionally
 * what the Codex rules make of that; or the 400 it causes.
 */
class ChatToResponsesRequestGoldenTest {

  @TestFactory
  Stream<DynamicTest> requests() {
    return Golden.cases("chat-request", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) {
    JsonNode doc = Golden.read(p);
    ObjectNode chat = (ObjectNode) doc.get("chat");
    String before = chat.toString();
    if (doc.has("error")) {
      JsonNode expected = doc.get("error");
      assertThatThrownBy(() -> ChatToResponsesRequest.translate(chat))
          .isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(expected.path("status").asInt());
            assertThat(e.error().type()).isEqualTo(expected.path("type").asText());
            assertThat(e.error().param()).isEqualTo(expected.path("param").asText());
            assertThat(e.error().code()).isNull();
            assertThat(e.error().message()).isNotBlank();
          });
      return;
    }
    ObjectNode responses = ChatToResponsesRequest.translate(chat);
    assertThat(responses).isEqualTo(doc.get("responses"));
    if (doc.has("codex")) {
      String translated = responses.toString();
      assertThat(CodexRequestRules.forBackend(responses)).isEqualTo(doc.get("codex"));
      assertThat(responses.toString()).as("forBackend leaves its input alone").isEqualTo(translated);
    }
    assertThat(chat.toString()).as("translate leaves its input alone").isEqualTo(before);
  }
}
