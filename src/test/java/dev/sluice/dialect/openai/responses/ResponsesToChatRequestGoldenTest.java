package dev.sluice.dialect.openai.responses;

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
 * golden/responses-request/NAME.json: a Responses request ({@code responses}, optional
 * {@code upstream_model} and {@code drop_built_in_tools}) and the chat request it becomes
 * ({@code chat}, written with {@code -Dgolden.update=true}).
 */
class ResponsesToChatRequestGoldenTest {

  @TestFactory
  Stream<DynamicTest> requests() {
    return Golden.cases("responses-request", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    ObjectNode request = (ObjectNode) doc.get("responses");
    String before = request.toString();
    var options = new ResponsesToChatRequest.Options(doc.path("drop_built_in_tools").asBoolean());
    JsonNode upstreamModel = doc.get("upstream_model");
    ObjectNode chat = ResponsesToChatRequest.translate(request, upstreamModel == null ? null : upstreamModel.asText(),
        options);
    JsonNode actual = Json.parse(Json.write(chat));
    if (Golden.UPDATE) {
      doc.set("chat", actual);
      Golden.write(p, doc);
    }
    assertThat(actual).isEqualTo(Golden.read(p).get("chat"));
    assertThat(request.toString()).as("translate leaves its input alone").isEqualTo(before);
  }
}
