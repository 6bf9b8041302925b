package dev.sluice.dialect.openai.chat;

import static dev.sluice.dialect.openai.chat.StreamSplitPropertyTest.added;
import static dev.sluice.dialect.openai.chat.StreamSplitPropertyTest.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edge cases of the stream translator that the golden streams do not show. */
class ResponsesToChatStreamTest {
  final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_234), ZoneOffset.UTC);

  static JsonNode ev(String json) throws Exception {
    return Json.parse(json);
  }

  static List<JsonNode> parse(List<String> chunks) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String c : chunks) {
      out.add(Json.parse(c));
    }
    return out;
  }

  static final String COMPLETED = "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_9\",\"status\":\"completed\",\"output\":[]}}";

  @Test
  void textOnlyInDoneEventIsNotLost() throws Exception {
    var tr = new ResponsesToChatStream("m", false, clock, null);
    ObjectNode done = delta("response.output_text.done", "msg_1", 0, null);
    done.put("text", "whole text");
    List<JsonNode> chunks = parse(tr.onEvent(done));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).at("/choices/0/delta")).isEqualTo(ev("{\"role\":\"assistant\",\"content\":\"whole text\"}"));
  }

  @Test
  void withoutResponseCreatedUsesRequestedModelClockAndAGeneratedId() throws Exception {
    var tr = new ResponsesToChatStream("gpt-x", false, clock, null);
    JsonNode chunk = parse(tr.onEvent(delta("response.output_text.delta", "msg_1", 0, "hi"))).get(0);
    assertThat(chunk.path("model").asText()).isEqualTo("gpt-x");
    assertThat(chunk.path("created").asLong()).isEqualTo(1_234);
    assertThat(chunk.path("id").asText()).startsWith("chatcmpl-").hasSizeGreaterThan(20).isEqualTo(tr.id());
  }

  @Test
  void argumentsBeforeTheItemAreKeptAndSentWithTheHeader() throws Exception {
    var tr = new ResponsesToChatStream("m", false, clock, null);
    assertThat(tr.onEvent(delta("response.function_call_arguments.delta", "fc_1", 0, "{\"a\":"))).isEmpty();
    List<JsonNode> chunks = parse(tr.onEvent(added("fc_1", 0, "call_1", "f")));
    assertThat(chunks.get(0).at("/choices/0/delta/tool_calls/0")).isEqualTo(ev(
        "{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}"));
    chunks = parse(tr.onEvent(delta("response.function_call_arguments.delta", "fc_1", 0, "1}")));
    assertThat(chunks.get(0).at("/choices/0/delta/tool_calls/0/function/arguments").asText()).isEqualTo("1}");
  }

  @Test
  void aCallSeenOnlyInTheFinalResponseIsStillSent() throws Exception {
    var tr = new ResponsesToChatStream("m", false, clock, null);
    List<JsonNode> chunks = parse(tr.onEvent(ev("{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_9\","
        + "\"status\":\"completed\",\"output\":[{\"id\":\"fc_9\",\"type\":\"function_call\",\"call_id\":\"call_9\","
        + "\"name\":\"g\",\"arguments\":\"{}\",\"status\":\"completed\"}]}}")));
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(0).at("/choices/0/delta/tool_calls/0/id").asText()).isEqualTo("call_9");
    assertThat(chunks.get(0).at("/choices/0/delta/tool_calls/0/function/arguments").asText()).isEqualTo("{}");
    assertThat(chunks.get(1).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
  }

  @Test
  void anEmptyAnswerStillSendsTheRoleWithTheFinish() throws Exception {
    var tr = new ResponsesToChatStream("m", false, clock, null);
    List<JsonNode> chunks = parse(tr.onEvent(ev(COMPLETED)));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).at("/choices/0/delta")).isEqualTo(ev("{\"role\":\"assistant\"}"));
    assertThat(chunks.get(0).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(chunks.get(0).path("id").asText()).isEqualTo("chatcmpl-9");
  }

  @Test
  void aHalfCharacterLeftAtTheEndBecomesAReplacementCharacter() throws Exception {
    var tr = new ResponsesToChatStream("m", false, clock, null);
    assertThat(tr.onEvent(delta("response.output_text.delta", "msg_1", 0, "\ud83d"))).isEmpty();
    List<JsonNode> chunks = parse(tr.onEvent(ev(COMPLETED)));
    assertThat(chunks.get(0).at("/choices/0/delta/content").asText()).isEqualTo("\uFFFD");
  }

  @Test
  void eventsAfterTheFinishAreIgnoredButRateLimitsStillReported() throws Exception {
    List<JsonNode> seen = new ArrayList<>();
    var tr = new ResponsesToChatStream("m", false, clock, seen::add);
    tr.onEvent(ev(COMPLETED));
    assertThat(tr.finished()).isTrue();
    assertThat(tr.onEvent(delta("response.output_text.delta", "msg_1", 0, "late"))).isEmpty();
    JsonNode limits = ev("{\"type\":\"codex.rate_limits\",\"rate_limits\":{\"primary\":{\"used_percent\":50}}}");
    assertThat(tr.onEvent(limits)).isEmpty();
    assertThat(seen).containsExactly(limits);
    assertThat(tr.lastRateLimits()).contains(limits);
  }

  @Test
  void failureThrowsKeepsTheErrorAndTheUsageAndEndsTheStream() throws Exception {
    var tr = new ResponsesToChatStream("m", true, clock, null);
    JsonNode failed = ev("{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_1\",\"status\":\"failed\","
        + "\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"},"
        + "\"usage\":{\"input_tokens\":10,\"output_tokens\":2,\"total_tokens\":12}}}");
    assertThatThrownBy(() -> tr.onEvent(failed)).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.error().status()).isEqualTo(429);
      assertThat(e.error().code()).isEqualTo("rate_limit_exceeded");
      assertThat(e.error().message()).isEqualTo("slow down");
    });
    assertThat(tr.failure()).isPresent();
    assertThat(tr.finished()).isFalse();
    assertThat(tr.usage().totalTokens()).isEqualTo(12);
    assertThat(tr.onEvent(ev(COMPLETED))).isEmpty();
  }

  @Test
  void nestedErrorObjectIsRead() throws Exception {
    var tr = new ResponsesToChatStream("m", false, clock, null);
    assertThatThrownBy(() -> tr.onEvent(ev("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"code\":\"context_length_exceeded\",\"message\":\"too long\",\"param\":\"input\"}}")))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().status()).isEqualTo(400);
          assertThat(e.error().param()).isEqualTo("input");
        });
  }
}
