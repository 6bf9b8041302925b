package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Chat chunk streams chunk by chunk: golden/chat-stream/NAME.json holds the request and chunks,
 * NAME.expected.json the Responses events each chunk produces ({@code steps}, the last one being
 * {@code onDone()}) and the final response.
 */
class ChatToResponsesStreamGoldenTest {

  @TestFactory
  Stream<DynamicTest> streams() {
    return ChatStreamCase.each(ChatToResponsesStreamGoldenTest::check);
  }

  private static void check(ChatStreamCase c) throws Exception {
    ObjectNode actual = Json.object();
    ArrayNode steps = actual.putArray("steps");
    for (List<ObjectNode> events : c.steps()) {
      steps.addArray().addAll(events);
    }
    actual.set("response", c.translator().response());
    actual.put("finish_reason", c.translator().finishReason());
    actual.set("usage", Json.MAPPER.valueToTree(c.translator().usage()));
    actual = (ObjectNode) Json.parse(Json.write(actual));
    Path expectedFile = Golden.ROOT.resolve("chat-stream").resolve(c.name() + ".expected.json");
    if (Golden.UPDATE) {
      Golden.write(expectedFile, actual);
    }
    JsonNode expected = Golden.read(expectedFile);
    for (int i = 0; i < expected.path("steps").size(); i++) {
      assertThat(actual.path("steps").get(i)).as("step %d", i).isEqualTo(expected.path("steps").get(i));
    }
    assertThat(actual).isEqualTo(expected);

    assertThat(c.translator().onChunk(c.doc().path("chunks").get(0))).as("nothing after the end").isEmpty();
    assertThat(c.translator().onDone()).as("a second onDone").isEmpty();
  }
}
