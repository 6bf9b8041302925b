package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The official anthropic-java SDK as a client of {@code /v1/messages} on the ChatGPT account pool: JSON,
 * streaming, and a tool round trip, all translated through chat completions to the Codex backend.
 */
class AnthropicClientsOnCodexTest {
  static final String ROUTES = """
      upstreams:
        pool: { type: codex }
      models:
        - { name: "claude-*", targets: ["pool:gpt-5.3-codex"] }
      """;

  static String text(Message m) {
    return m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).collect(Collectors.joining());
  }

  @Test
  void messagesJsonStreamsAndToolsOnThePool() throws Exception {
    try (CodexHarness h = new CodexHarness(List.of("acct-a"), ROUTES)) {
      AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(h.baseUrl()).apiKey(CodexHarness.KEY)
          .maxRetries(0).build();
      Message m = client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(200)
          .system("you are terse").addUserMessage("hello pool").build());
      assertThat(text(m)).isEqualTo("echo: hello pool");
      assertThat(m.model().asString()).isEqualTo("claude-sonnet-4-5");
      assertThat(h.backend.last().body().path("model").asText()).isEqualTo("gpt-5.3-codex");
      assertThat(h.backend.last().body().path("instructions").asText()).contains("you are terse");

      MessageAccumulator acc = MessageAccumulator.create();
      try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(MessageCreateParams.builder()
          .model("claude-haiku-4-5").maxTokens(200).addUserMessage("streamed here").build())) {
        s.stream().forEach(acc::accumulate);
      }
      assertThat(text(acc.message())).isEqualTo("echo: streamed here");
      assertThat(acc.message().usage().inputTokens()).isPositive();

      Tool weather = Tool.builder().name("weather").description("the weather in a city")
          .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
              .build()).build();
      MessageCreateParams.Builder ask = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(200)
          .addTool(weather).addUserMessage("please use tools");
      Message first = client.messages().create(ask.build());
      assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
      ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
      assertThat(use.name()).isEqualTo("weather");
      assertThat(use._input().toString()).contains("Paris");

      Message second = client.messages().create(ask.addMessage(first)
          .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
              .toolUseId(use.id()).content("sunny, 21C").build())))
          .build());
      assertThat(text(second)).isEqualTo("tool said: sunny, 21C");
      assertThat(h.backend.last().body().path("input").toString()).contains("function_call_output");
    }
  }
}
