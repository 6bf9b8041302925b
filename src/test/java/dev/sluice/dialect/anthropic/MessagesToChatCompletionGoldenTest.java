package dev.sluice.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/anthropic/completion/NAME.json: an Anthropic message (validated against anthropic-java's
 * {@code Message}) and the chat completion it becomes (validated against openai-java's
 * {@code ChatCompletion}, whose usage must agree with the message's).
 */
class MessagesToChatCompletionGoldenTest {

  @TestFactory
  Stream<DynamicTest> completions() {
    return Golden.cases("anthropic/completion", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode message = (ObjectNode) doc.get("message");
    AnthropicSdk.validMessage(message);
    ObjectNode actual = MessagesToChatCompletion.translate(message, doc.path("client_model").asText(),
        MessagesToChatStreamGoldenTest.CLOCK, new ReplyPlan(doc.path("answer_tool").asText(null), null));
    if (Golden.UPDATE) {
      doc.set("completion", actual);
      Golden.write(p, doc);
    }
    assertThat(Json.parse(Json.write(actual))).isEqualTo(doc.get("completion"));

    var usage = OpenAiSdk.completion(actual).usage().orElseThrow();
    JsonNode u = message.path("usage");
    long cacheRead = u.path("cache_read_input_tokens").asLong();
    assertThat(usage.promptTokens()).isEqualTo(u.path("input_tokens").asLong()
        + u.path("cache_creation_input_tokens").asLong() + cacheRead);
    assertThat(usage.completionTokens()).isEqualTo(u.path("output_tokens").asLong());
    assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(cacheRead);
  }
}
