package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden streams as one non-streaming chat.completion: golden/chat-completion/NAME.json. Where
 * the stream's final response has its output, {@code fromResponse} on it must agree.
 */
class ResponsesToChatCompletionGoldenTest {

  @TestFactory
  Stream<DynamicTest> completions() {
    return Golden.cases("streams", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    JsonNode doc = Golden.read(p);
    var completion = new ResponsesToChatCompletion(doc.path("requested_model").asText(),
        ResponsesToChatStreamGoldenTest.CLOCK);
    ObjectNode actual = Json.object();
    JsonNode last = null;
    try {
      for (JsonNode step : doc.path("steps")) {
        last = step.get("event");
        completion.onEvent(last);
      }
      actual.set("completion", completion.result());
      actual.set("usage", Json.MAPPER.valueToTree(completion.usage()));
    } catch (GatewayException e) {
      actual.set("error", Golden.error(e.error()));
    }
    actual = (ObjectNode) Json.parse(Json.write(actual));
    Path expectedFile = Golden.ROOT.resolve("chat-completion").resolve(Golden.name(p) + ".json");
    if (Golden.UPDATE) {
      Golden.write(expectedFile, actual);
    }
    assertThat(actual).isEqualTo(Golden.read(expectedFile));
    JsonNode finalResponse = last.path("response");
    if (actual.has("completion") && !finalResponse.path("output").isEmpty()) {
      ObjectNode direct = ResponsesToChatCompletion.fromResponse(finalResponse,
          doc.path("requested_model").asText(), ResponsesToChatStreamGoldenTest.CLOCK);
      assertThat(Json.parse(Json.write(direct))).isEqualTo(actual.get("completion"));
    }
  }
}
