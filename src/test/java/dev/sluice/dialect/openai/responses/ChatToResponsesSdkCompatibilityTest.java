package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Feeds every event of the golden chat streams to the official openai-java SDK (parse as
 * {@link ResponseStreamEvent}, validate, accumulate with {@link ResponseAccumulator}) and checks the
 * result against what the chunks say, independently of the expected files.
 */
class ChatToResponsesSdkCompatibilityTest {

  @TestFactory
  Stream<DynamicTest> sdkReadsEveryEvent() {
    return ChatStreamCase.each(ChatToResponsesSdkCompatibilityTest::check);
  }

  private static void check(ChatStreamCase c) throws Exception {
    List<ObjectNode> events = c.events();
    ResponseAccumulator acc = ResponseAccumulator.create();
    for (int i = 0; i < events.size(); i++) {
      ObjectNode e = events.get(i);
      assertThat(e.path("sequence_number").asInt()).as("sequence_number of event %d", i).isEqualTo(i);
      ResponseStreamEvent parsed = ObjectMappers.jsonMapper().readValue(Json.write(e), ResponseStreamEvent.class);
      parsed.validate();
      acc.accumulate(parsed);
    }
    assertThat(events.get(0).path("type").asText()).isEqualTo("response.created");
    assertThat(events.get(1).path("type").asText()).isEqualTo("response.in_progress");

    Response sdk = acc.response();
    sdk.validate();
    Response direct = ObjectMappers.jsonMapper().readValue(Json.write(c.translator().response()), Response.class);
    direct.validate();
    assertThat(sdk).isEqualTo(direct);

    Expected want = Expected.from(c.doc().path("chunks"));
    String finish = want.finishReason;
    String status = "length".equals(finish) || "content_filter".equals(finish) ? "incomplete" : "completed";
    assertThat(sdk.status().orElseThrow().asString()).isEqualTo(status);
    if (status.equals("incomplete")) {
      assertThat(sdk.incompleteDetails().orElseThrow().reason().orElseThrow().asString())
          .isEqualTo(finish.equals("length") ? "max_output_tokens" : "content_filter");
    }

    StringBuilder text = new StringBuilder();
    StringBuilder refusal = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    Map<String, String[]> calls = new LinkedHashMap<>();
    for (ResponseOutputItem item : sdk.output()) {
      if (item.isMessage()) {
        for (var part : item.asMessage().content()) {
          if (part.isOutputText()) {
            text.append(part.asOutputText().text());
          } else {
            refusal.append(part.asRefusal().refusal());
          }
        }
      } else if (item.isReasoning()) {
        item.asReasoning().summary().forEach(s -> reasoning.append(s.text()));
      } else {
        var call = item.asFunctionCall();
        calls.put(call.callId(), new String[] {call.name(), call.arguments()});
      }
    }
    assertThat(text.toString()).isEqualTo(want.content.toString());
    assertThat(refusal.toString()).isEqualTo(want.refusal.toString());
    assertThat(reasoning.toString()).isEqualTo(want.reasoning.toString());
    assertThat(calls.keySet()).containsExactlyElementsOf(want.calls.keySet());
    for (var call : want.calls.entrySet()) {
      assertThat(calls.get(call.getKey())).containsExactly(call.getValue().name, call.getValue().args.toString());
      Json.parse(call.getValue().args.toString());
    }

    JsonNode u = want.usage;
    if (u == null) {
      assertThat(sdk.usage()).isEmpty();
    } else {
      var usage = sdk.usage().orElseThrow();
      assertThat(usage.inputTokens()).isEqualTo(u.path("prompt_tokens").asLong());
      assertThat(usage.outputTokens()).isEqualTo(u.path("completion_tokens").asLong());
      assertThat(usage.totalTokens()).isEqualTo(u.path("total_tokens").asLong());
      assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(
          u.path("prompt_tokens_details").path("cached_tokens").asLong(u.path("prompt_cache_hit_tokens").asLong()));
      assertThat(usage.outputTokensDetails().reasoningTokens())
          .isEqualTo(u.path("completion_tokens_details").path("reasoning_tokens").asLong());
    }
  }

  @Test
  void failureMidStreamIsAResponseFailedEventTheSdkReads() throws Exception {
    var tr = new ChatToResponsesStream(Json.object().put("model", "m"), "f1", ChatStreamCase.CLOCK);
    tr.onChunk(Json.parse("{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}"));
    List<ObjectNode> events = tr.onFailure(ApiError.upstreamError("upstream connection reset"));
    assertThat(events).hasSize(1);
    ResponseStreamEvent parsed = ObjectMappers.jsonMapper().readValue(Json.write(events.get(0)), ResponseStreamEvent.class);
    parsed.validate();
    Response r = parsed.asFailed().response();
    assertThat(r.status().orElseThrow().asString()).isEqualTo("failed");
    assertThat(r.error().orElseThrow().message()).isEqualTo("upstream connection reset");
    assertThat(r.output()).as("the unfinished message is left out").isEmpty();
    assertThat(tr.finished()).isTrue();
    assertThat(tr.onDone()).isEmpty();
  }

  /** What the chunks say, accumulated the chat way. */
  private static final class Expected {
    final StringBuilder content = new StringBuilder();
    final StringBuilder refusal = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    final Map<String, Call> calls = new LinkedHashMap<>();
    String finishReason;
    JsonNode usage;

    static Expected from(JsonNode chunks) {
      Expected x = new Expected();
      Map<Integer, Call> byIndex = new LinkedHashMap<>();
      int last = -1;
      for (JsonNode chunk : chunks) {
        if (chunk.path("usage").isObject()) {
          x.usage = chunk.get("usage");
        }
        for (JsonNode choice : chunk.path("choices")) {
          JsonNode d = choice.path("delta");
          x.content.append(d.path("content").asText(""));
          x.refusal.append(d.path("refusal").asText(""));
          x.reasoning.append(d.path("reasoning_content").asText(""));
          for (JsonNode tc : d.path("tool_calls")) {
            int index = tc.has("index") ? tc.get("index").asInt() : tc.has("id") ? last + 1 : last;
            last = index;
            Call call = byIndex.computeIfAbsent(index, k -> new Call());
            if (tc.hasNonNull("id")) {
              call.id = tc.get("id").asText();
            }
            if (tc.path("function").hasNonNull("name")) {
              call.name = tc.path("function").get("name").asText();
            }
            call.args.append(tc.path("function").path("arguments").asText(""));
          }
          if (choice.hasNonNull("finish_reason")) {
            x.finishReason = choice.get("finish_reason").asText();
          }
        }
      }
      byIndex.values().forEach(c -> x.calls.put(c.id, c));
      return x;
    }
  }

  private static final class Call {
    String id;
    String name;
    final StringBuilder args = new StringBuilder();
  }
}
