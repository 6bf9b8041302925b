package dev.sluice.dialect.anthropic.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Chat chunk streams chunk by chunk: golden/anthropic-inbound/stream/NAME.expected.json holds the
 * events each chunk produces (the last step being {@code onDone()}).
 */
class ChatStreamToMessagesGoldenTest {

  @TestFactory
  Stream<DynamicTest> streams() {
    return StreamCase.each(ChatStreamToMessagesGoldenTest::check);
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
    assertThat(c.translator().onChunk(c.doc().path("chunks").get(0))).as("nothing after the end").isEmpty();
    assertThat(c.translator().onDone()).as("a second onDone").isEmpty();
  }

  @Test
  void errorMidStreamIsTheAnthropicErrorEventAndEndsTheStream() throws Exception {
    var tr = new ChatStreamToMessages("claude-x", "e1", 5);
    tr.onChunk(Json.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"));
    var events = tr.error(ApiError.of(529, "overloaded_error", "upstream overloaded", "overloaded"));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo("error");
      assertThat(Json.write(e.data()))
          .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"upstream overloaded\"}}");
    });
    assertThat(tr.onDone()).isEmpty();
    assertThat(tr.error(ApiError.internal())).isEmpty();
  }

  @Test
  void signedThinkingBlockTakesNoMoreDeltasAndRefusalIsText() throws Exception {
    var tr = new ChatStreamToMessages("claude-x", "s1", 5);
    StringBuilder types = new StringBuilder();
    for (String delta : new String[] {"{\"reasoning_content\":\"a\",\"reasoning_signature\":\"s1\"}",
        "{\"reasoning_content\":\"b\"}", "{\"refusal\":\"no\"}"}) {
      tr.onChunk(Json.parse("{\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}"))
          .forEach(e -> types.append(e.type()).append(' ').append(e.data().path("index").asText("")).append(';'));
    }
    assertThat(types.toString()).isEqualTo("message_start ;content_block_start 0;content_block_delta 0;"
        + "content_block_delta 0;content_block_stop 0;content_block_start 1;content_block_delta 1;"
        + "content_block_stop 1;content_block_start 2;content_block_delta 2;");
  }
}
