package dev.sluice.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassthroughStreamMapperTest {
  static List<String> run(boolean clientWantsUsage, String... data) {
    PassthroughStreamMapper m = new PassthroughStreamMapper(clientWantsUsage);
    List<Buffer> out = new ArrayList<>();
    for (String d : data) {
      m.onEvent(SseEvent.data(d), out::add);
    }
    return out.stream().map(Buffer::toString).toList();
  }

  @Test
  void nullUsageAddedByTheGatewayIsRemoved() {
    assertThat(run(false,
        "{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"say \\\"usage\\\":null\"}}],\"usage\":null}",
        "{\"usage\": null, \"id\":\"c\",\"choices\":[]}",
        "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}",
        "[DONE]"))
        .containsExactly(
            "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"say \\\"usage\\\":null\"}}]}\n\n",
            "data: { \"id\":\"c\",\"choices\":[]}\n\n",
            "data: [DONE]\n\n");
  }

  @Test
  void aClientThatAskedForUsageGetsTheStreamUntouched() {
    String chunk = "{\"id\":\"c\",\"choices\":[],\"usage\":null}";
    String last = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";
    PassthroughStreamMapper m = new PassthroughStreamMapper(true);
    List<Buffer> out = new ArrayList<>();
    m.onEvent(SseEvent.data(chunk), out::add);
    m.onEvent(SseEvent.data(last), out::add);
    assertThat(out).extracting(Buffer::toString).containsExactly("data: " + chunk + "\n\n", "data: " + last + "\n\n");
    assertThat(m.usage().promptTokens()).isEqualTo(3);
    assertThat(m.usage().completionTokens()).isEqualTo(2);
  }

  @Test
  void usageObjectDetectionNeedsNoParse() {
    assertThat(PassthroughStreamMapper.hasUsageObject("{\"usage\" : {\"a\":1}}")).isTrue();
    assertThat(PassthroughStreamMapper.hasUsageObject("{\"usage\":null}")).isFalse();
    assertThat(PassthroughStreamMapper.hasUsageObject("{\"x\":\"usage\",\"usage\":{}}")).isTrue();
  }
}
