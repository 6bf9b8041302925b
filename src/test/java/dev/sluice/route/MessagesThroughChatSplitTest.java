package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseParser;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An upstream chat stream reaching an Anthropic client: fed to the relay's parser split at every byte
 * boundary, the Messages events written are the same as for the stream in one piece.
 */
class MessagesThroughChatSplitTest {
  static final String CHAT = String.join("",
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
      ": keep-alive\n\n",
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"reasoning_content\":\"Thinking \\u00e9 \"},\"finish_reason\":null}]}\n\n",
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"content\":\"Caf\u00e9 \u2615 ok\"},\"finish_reason\":null}]}\n\n",
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"w\","
          + "\"arguments\":\"{\\\"ci\"}}]},\"finish_reason\":null}]}\n\n",
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":\\\"Paris\\\"}\"}}]},"
          + "\"finish_reason\":\"tool_calls\"}]}\n\n",
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n",
      "data: [DONE]\n\n");

  /** The provider's chat mapper, passing chunks on as they came (as the OpenAI passthrough does). */
  static final class AsItCame implements StreamMapper {
    @Override
    public void onEvent(SseEvent event, Consumer<Buffer> out) {
      out.accept("[DONE]".equals(event.data()) ? SseWriter.DONE : SseWriter.data(event.data()));
    }

    @Override
    public void onEnd(Consumer<Buffer> out) {
    }

    @Override
    public TokenUsage usage() {
      return TokenUsage.NONE;
    }
  }

  static String relay(byte[] bytes, int... cuts) {
    StringBuilder out = new StringBuilder();
    StreamMapper m = MessagesThroughChat.streamMapper(new AsItCame(), "claude-x", 10);
    Consumer<Buffer> sink = b -> out.append(b.toString(StandardCharsets.UTF_8));
    SseParser parser = new SseParser(ev -> m.onEvent(ev, sink));
    int from = 0;
    for (int cut : cuts) {
      parser.feed(bytes, from, cut - from);
      from = cut;
    }
    parser.feed(bytes, from, bytes.length - from);
    parser.flush();
    m.onEnd(sink);
    return out.toString().replaceAll("msg_[0-9a-f]+", "msg_X").replaceAll("toolu_[0-9a-f_]+", "toolu_X");
  }

  @Test
  void everySplitGivesTheSameMessagesEvents() {
    byte[] bytes = CHAT.getBytes(StandardCharsets.UTF_8);
    String whole = relay(bytes);
    assertThat(whole).startsWith("event: message_start\n").contains("event: content_block_start")
        .contains("\"thinking\":\"Thinking \u00e9 \"").contains("Caf\u00e9 \u2615 ok").contains("\"name\":\"w\"")
        .contains("\"stop_reason\":\"tool_use\"").endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    for (int i = 1; i < bytes.length; i++) {
      assertThat(relay(bytes, i)).as("split at byte %d", i).isEqualTo(whole);
    }
    for (int i = 1; i + 7 < bytes.length; i += 7) {
      assertThat(relay(bytes, i, i + 3, i + 7)).as("split at %d, %d, %d", i, i + 3, i + 7).isEqualTo(whole);
    }
  }
}
