package dev.sluice.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.json.Json;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {
  static Buffer event(String json) {
    return Buffer.buffer("data: " + json + "\n\n");
  }

  @Test
  void countsOnlyTheOutputTextOfRelayedEvents() {
    TokenEstimate t = new TokenEstimate();
    t.relayed(event("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
    assertThat(t.hasText()).as("a role-only chunk shows nothing").isFalse();
    t.relayed(event("{\"id\":\"chatcmpl-123\",\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}"));
    t.relayed(event("{\"choices\":[{\"delta\":{\"content\":\" world\"}}]}"));
    assertThat(t.hasText()).isTrue();
    // o200k_base: "Hello", " world" (ids, models and JSON framing are not output)
    assertThat(t.completionTokens()).isBetween(2L, 3L);
  }

  @Test
  void aValueNamedLikeAKeyOrAKeyInsideTextIsNotOutput() {
    TokenEstimate t = new TokenEstimate();
    t.relayed(event("{\"object\":\"content\",\"name\":\"delta\",\"choices\":[{\"delta\":{\"content\":"
        + "\"say \\\"content\\\": \\\"no\\\"\"}}]}"));
    assertThat(t.hasText()).isTrue();
    assertThat(t.completionTokens()).isEqualTo((long) Encodings.newDefaultEncodingRegistry()
        .getEncoding(EncodingType.O200K_BASE).countTokensOrdinary("say \"content\": \"no\""));
  }

  @Test
  void readsEscapesToolArgumentsAndResponsesDeltas() {
    TokenEstimate t = new TokenEstimate();
    t.relayed(event("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}}]}"));
    t.relayed(Buffer.buffer("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
        + "\"delta\":\"caf\\u00e9\\n\"}\n\n"));
    assertThat(t.completionTokens()).isGreaterThanOrEqualTo(5L);
  }

  @Test
  void promptTokensComeFromTheRequestsText() throws Exception {
    long n = TokenEstimate.promptTokens(Json.parse(
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello world\"}]}"));
    assertThat(n).isBetween(2L, 3L);
    assertThat(TokenEstimate.promptTokens(null)).isZero();
  }

  /** A long answer: the count stays that of its whole text, and the text held stays a few kilobytes. */
  @Test
  void aLongAnswerIsCountedAsItGoesAndNotHeldWhole() {
    TokenEstimate t = new TokenEstimate();
    StringBuilder whole = new StringBuilder();
    String[] words = {"The", " gateway", " relays", " every", " event,", " naïve", " 東京", " 42", "\n"};
    int maxHeld = 0;
    for (int i = 0; i < 20_000; i++) {
      String piece = words[i % words.length] + (i % 7 == 0 ? " x" + i : "");
      whole.append(piece);
      String escaped = piece.replace("\n", "\\n");
      t.relayed(event("{\"choices\":[{\"delta\":{\"content\":\"" + escaped + "\"}}]}"));
      maxHeld = Math.max(maxHeld, t.heldChars());
    }
    long exact = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE)
        .countTokensOrdinary(whole.toString());
    assertThat(whole.length()).isGreaterThan(100_000);
    assertThat(maxHeld).isLessThanOrEqualTo(TokenEstimate.HELD_CHARS + 64);
    assertThat((double) t.completionTokens()).isCloseTo(exact, withPercentage(0.5));
  }
}
