package dev.sluice.dialect.anthropic.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Feeds every event of the golden chat streams to the official anthropic-java SDK (parse as
 * {@link RawMessageStreamEvent}, validate, accumulate with {@link MessageAccumulator}) and compares the
 * accumulated message with {@link ChatToMessagesResponse} of the completion the chunks add up to
 * (assembled by the test, not by the translator). Also checks what Claude Code relies on: the event
 * order, block indexes, full usage in {@code message_start}, and JSON tool input at each block stop.
 */
class ChatStreamToMessagesSdkTest {

  @TestFactory
  Stream<DynamicTest> sdkReadsEveryEvent() {
    return StreamCase.each(ChatStreamToMessagesSdkTest::check);
  }

  private static void check(StreamCase c) throws Exception {
    List<ChatStreamToMessages.Event> events = c.events();
    MessageAccumulator acc = MessageAccumulator.create();
    for (var e : events) {
      assertThat(e.data().path("type").asText()).isEqualTo(e.type());
      RawMessageStreamEvent parsed = ObjectMappers.jsonMapper().readValue(Json.write(e.data()),
          RawMessageStreamEvent.class);
      parsed.validate();
      acc.accumulate(parsed);
    }
    checkShape(events);

    Message streamed = acc.message();
    streamed.validate();
    String direct = Json.write(ChatToMessagesResponse.translate(c.completion(), c.doc().get("model").asText()));
    Message expected = ObjectMappers.jsonMapper().readValue(direct, Message.class);
    expected.validate();
    assertThat(streamed).isEqualTo(expected);
  }

  private static void checkShape(List<ChatStreamToMessages.Event> events) {
    assertThat(events.get(0).type()).isEqualTo("message_start");
    JsonNode usage = events.get(0).data().path("message").path("usage");
    assertThat(usage.fieldNames()).toIterable().containsExactlyInAnyOrder("input_tokens", "output_tokens",
        "cache_creation_input_tokens", "cache_read_input_tokens");
    assertThat(events.get(events.size() - 2).type()).isEqualTo("message_delta");
    assertThat(events.get(events.size() - 1).type()).isEqualTo("message_stop");
    int open = -1;
    int next = 0;
    StringBuilder json = new StringBuilder();
    String kind = null;
    for (var e : events.subList(1, events.size() - 2)) {
      int index = e.data().path("index").asInt(-1);
      switch (e.type()) {
        case "content_block_start" -> {
          assertThat(open).as("a block is still open").isEqualTo(-1);
          assertThat(index).isEqualTo(next++);
          open = index;
          kind = e.data().path("content_block").path("type").asText();
          json.setLength(0);
        }
        case "content_block_delta" -> {
          assertThat(index).isEqualTo(open);
          json.append(e.data().path("delta").path("partial_json").asText(""));
        }
        case "content_block_stop" -> {
          assertThat(index).isEqualTo(open);
          if ("tool_use".equals(kind)) {
            assertThat(ToolInput.object(json.toString())).as("tool input at block stop").isPresent();
          }
          open = -1;
        }
        default -> throw new AssertionError("unexpected event " + e.type());
      }
    }
    assertThat(open).as("every block closed").isEqualTo(-1);
  }
}
