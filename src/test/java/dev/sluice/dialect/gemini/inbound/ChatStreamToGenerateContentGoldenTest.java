package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Chat chunk streams chunk by chunk: golden/gemini-inbound/stream/NAME.expected.json holds the Gemini
 * responses each chunk produces (the last step being {@code onDone()}). Exactly one response carries
 * a finishReason, the last, and it has the usage; nothing follows it.
 */
class ChatStreamToGenerateContentGoldenTest {

  @TestFactory
  Stream<DynamicTest> streams() {
    return StreamCase.each(ChatStreamToGenerateContentGoldenTest::check);
  }

  private static void check(StreamCase c) throws Exception {
    ArrayNode actual = (ArrayNode) Json.parse(Json.write(c.stepsJson()));
    Path expectedFile = Golden.ROOT.resolve(StreamCase.DIR).resolve(c.name() + ".expected.json");
    if (Golden.UPDATE) {
      Golden.write(expectedFile, actual);
    }
    JsonNode expected = Golden.read(expectedFile);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("step %d", i).isEqualTo(expected.get(i));
    }
    assertThat(actual).isEqualTo(expected);

    List<ObjectNode> responses = c.responses();
    long finishes = responses.stream().filter(r -> r.path("candidates").path(0).has("finishReason")).count();
    assertThat(finishes).as("one finish").isEqualTo(1);
    ObjectNode last = responses.get(responses.size() - 1);
    assertThat(last.path("candidates").path(0).has("finishReason")).isTrue();
    assertThat(last.has("usageMetadata")).isTrue();
    assertThat(c.translator().onChunk(c.doc().path("chunks").get(0))).as("nothing after the end").isEmpty();
    assertThat(c.translator().onDone()).as("a second onDone").isEmpty();
  }

  @Test
  void errorMidStreamIsGooglesErrorBodyAndEndsTheStream() throws Exception {
    var tr = new ChatStreamToGenerateContent("gemini-2.5-pro", "e1", 5, false);
    assertThat(tr.onChunk(Json.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"))).hasSize(1);
    List<ObjectNode> out = tr.error(ApiError.of(503, ApiError.SERVICE_UNAVAILABLE, "upstream overloaded", null));
    assertThat(out).singleElement().satisfies(e -> assertThat(Json.write(e))
        .isEqualTo("{\"error\":{\"code\":503,\"message\":\"upstream overloaded\",\"status\":\"UNAVAILABLE\"}}"));
    assertThat(tr.onDone()).isEmpty();
    assertThat(tr.error(ApiError.internal())).isEmpty();
  }

  @Test
  void otherChoicesAreIgnored() throws Exception {
    var tr = new ChatStreamToGenerateContent("m", "c1", 0, false);
    var out = tr.onChunk(Json.parse("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"}},"
        + "{\"index\":0,\"delta\":{\"content\":\"A\"}}]}"));
    assertThat(out).singleElement().satisfies(r -> assertThat(r.path("candidates").path(0).path("content")
        .path("parts").path(0).path("text").asText()).isEqualTo("A"));
  }
}
