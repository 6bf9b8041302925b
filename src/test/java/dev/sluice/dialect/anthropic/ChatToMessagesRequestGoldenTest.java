package dev.sluice.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.anthropic.ChatToMessagesRequest.Settings;
import dev.sluice.dialect.anthropic.ChatToMessagesRequest.Translation;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/anthropic/request/NAME.json: settings, a chat request and the Messages request it becomes
 * (validated against the anthropic-java SDK's model) with the answer tool, or the 400 it causes.
 * {@code -Dgolden.update=true} rewrites {@code messages}/{@code answer_tool} (review the diff).
 */
class ChatToMessagesRequestGoldenTest {

  @TestFactory
  Stream<DynamicTest> requests() {
    return Golden.cases("anthropic/request", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  static Settings settings(JsonNode s) {
    return new Settings(s.path("model").asText(), s.path("default_max_tokens").asInt(),
        s.path("api_version").asText(), s.path("reasoning_signature_model").asText(null));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode chat = (ObjectNode) doc.get("chat");
    Settings settings = settings(doc.path("settings"));
    String before = chat.toString();
    if (doc.has("error")) {
      JsonNode expected = doc.get("error");
      assertThatThrownBy(() -> ChatToMessagesRequest.translate(chat, settings))
          .isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().type()).isEqualTo("invalid_request_error");
            assertThat(e.error().param()).isEqualTo(expected.path("param").asText());
            assertThat(e.error().message()).isNotBlank();
          });
      return;
    }
    Translation t = ChatToMessagesRequest.plan(chat, settings);
    if (Golden.UPDATE) {
      doc.set("messages", t.body());
      doc.put("answer_tool", t.reply().answerTool());
      Golden.write(p, doc);
    }
    assertThat(Json.parse(Json.write(t.body()))).isEqualTo(doc.get("messages"));
    assertThat(t.reply().answerTool()).isEqualTo(doc.path("answer_tool").asText(null));
    assertThat(t.reply().signatureModel()).isEqualTo(settings.reasoningSignatureModel());
    AnthropicSdk.validRequest(t.body(), settings.apiVersion());
    assertThat(chat.toString()).as("translate leaves its input alone").isEqualTo(before);
  }
}
