package dev.sluice.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every documented stop reason, an unknown one and none; signatures round-trip. */
class StopReasonsTest {

  @ParameterizedTest
  @CsvSource({"end_turn, stop", "stop_sequence, stop", "pause_turn, stop", "max_tokens, length",
      "model_context_window_exceeded, length", "tool_use, tool_calls", "refusal, content_filter",
      "something_new, stop"})
  void mapsEveryStopReason(String stopReason, String finishReason) {
    assertThat(StopReasons.toFinishReason(stopReason)).isEqualTo(finishReason);
  }

  @Test
  void noStopReasonIsStop() {
    assertThat(StopReasons.toFinishReason(null)).isEqualTo("stop");
  }

  @Test
  void answerToolAloneReadsAsStop() {
    assertThat(StopReasons.toFinishReason("tool_use", true, false)).isEqualTo("stop");
    assertThat(StopReasons.toFinishReason("tool_use", true, true)).isEqualTo("tool_calls");
    assertThat(StopReasons.toFinishReason("max_tokens", true, false)).isEqualTo("length");
  }

  @Test
  void signatureRoundTripsWithColonsInTheModel() {
    ReasoningSignature s = new ReasoningSignature("anthropic.claude-v2:1", "EqQB+/==");
    assertThat(s.encode()).isEqualTo("anthropic:anthropic.claude-v2:1:EqQB+/==");
    assertThat(ReasoningSignature.parse(s.encode())).isEqualTo(s);
    assertThat(ReasoningSignature.parse("openai:x:y")).isNull();
    assertThat(ReasoningSignature.parse("anthropic:sig-without-model")).isNull();
  }
}
