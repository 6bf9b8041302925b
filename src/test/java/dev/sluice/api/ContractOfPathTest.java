package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The contract a request's base path gives it, as a route {@code base/*} matches it. */
class ContractOfPathTest {
  @Test
  void aBasePathAndEverythingBelowItHaveItsContract() {
    assertThat(ApiContract.ofPath("/v1")).isEqualTo(ApiContract.OPENAI);
    assertThat(ApiContract.ofPath("/v1/chat/completions")).isEqualTo(ApiContract.OPENAI);
    assertThat(ApiContract.ofPath("/api/v1/chat/completions")).isEqualTo(ApiContract.PLATFORM);
    assertThat(ApiContract.ofPath("/api/v1beta/models/gemini-2.5-pro:generateContent")).isEqualTo(ApiContract.PLATFORM);
    assertThat(ApiContract.ofPath("/api/v1beta")).isEqualTo(ApiContract.PLATFORM);
  }

  @Test
  void aPathThatOnlyStartsWithTheSameLettersHasNone() {
    assertThat(ApiContract.ofPath("/v1beta/models")).isNull();
    assertThat(ApiContract.ofPath("/v10/chat")).isNull();
    assertThat(ApiContract.ofPath("/api/v1x")).isNull();
    assertThat(ApiContract.ofPath("/api")).isNull();
    assertThat(ApiContract.ofPath("/")).isNull();
    assertThat(ApiContract.ofPath("")).isNull();
    assertThat(ApiContract.ofPath(null)).isNull();
  }
}
