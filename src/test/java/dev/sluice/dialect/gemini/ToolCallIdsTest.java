package dev.sluice.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tool call ids that carry Gemini's call ids and thought signatures through chat clients. */
class ToolCallIdsTest {
  final Supplier<String> nonces = ToolCallIds.randomNonces();

  @Test
  void everySignatureAndIdComesBackExactly() {
    Random random = new Random(12);
    for (int i = 0; i < 2000; i++) {
      byte[] raw = new byte[random.nextInt(300)];
      random.nextBytes(raw);
      String signature = Base64.getEncoder().encodeToString(raw);
      String geminiId = i % 3 == 0 ? null : "fc-" + Integer.toHexString(random.nextInt()) + (i % 5 == 0 ? "_ü" : "");
      String id = ToolCallIds.encode(nonces.get(), geminiId, signature.isEmpty() ? null : signature);
      assertThat(id).matches("call_[A-Za-z0-9_-]+");
      ToolCallIds.Decoded d = ToolCallIds.decode(id);
      assertThat(d.signature()).isEqualTo(signature.isEmpty() ? null : signature);
      assertThat(d.geminiId()).isEqualTo(geminiId);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64 at all!", "abc", "YWJj", "skip_thought_signature_validator", "a/b+c==="})
  void signaturesOutsideCanonicalBase64ComeBackToo(String signature) {
    String id = ToolCallIds.encode(nonces.get(), "x", signature);
    assertThat(id).matches("call_[A-Za-z0-9_-]+");
    assertThat(ToolCallIds.decode(id)).isEqualTo(new ToolCallIds.Decoded("x", signature));
  }

  @Test
  void canonicalSignaturesCostNoMoreThanTheirOwnLength() {
    String signature = Base64.getEncoder().encodeToString("a signature of some length".getBytes(StandardCharsets.UTF_8));
    String id = ToolCallIds.encode(nonces.get(), null, signature);
    assertThat(id.length()).isLessThanOrEqualTo("call_".length() + 24 + 2 + signature.length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"toolu_01A", "call_abc", "call_000000000000000000000001_iabc", "call_000000000000000000000001_x",
      "call_00000000000000000000000!_sAAAA", "", "call_000000000000000000000001_i6"})
  void idsSluiceDidNotMakeCarryNothing(String id) {
    assertThat(ToolCallIds.decode(id)).isEqualTo(new ToolCallIds.Decoded(null, null));
  }

  @Test
  void aPlainIdLooksLikeOpenAisAndNoncesAreRandom() {
    String a = ToolCallIds.encode(nonces.get(), null, null);
    String b = ToolCallIds.encode(nonces.get(), null, null);
    assertThat(a).matches("call_[A-Za-z0-9]{24}").isNotEqualTo(b);
    assertThatThrownBy(() -> ToolCallIds.encode("short", null, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
