package dev.sluice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.ApiContract;
import org.junit.jupiter.api.Test;

/** The contract a request's base path gives it, as the routes {@code base/*} used to set it. */
class ContractOfPathTest {
  @Test
  void aBasePathAndEverythingBelowItHaveItsContract() {
    assertThat(Gateway.contractOf("/v1")).isEqualTo(ApiContract.OPENAI);
    assertThat(Gateway.contractOf("/v1/chat/completions")).isEqualTo(ApiContract.OPENAI);
    assertThat(Gateway.contractOf("/api/v1/chat/completions")).isEqualTo(ApiContract.PLATFORM);
    assertThat(Gateway.contractOf("/api/v1beta/models/gemini-2.5-pro:generateContent")).isEqualTo(ApiContract.PLATFORM);
    assertThat(Gateway.contractOf("/api/v1beta")).isEqualTo(ApiContract.PLATFORM);
  }

  @Test
  void aPathThatOnlyStartsWithTheSameLettersHasNone() {
    assertThat(Gateway.contractOf("/v1beta/models")).isNull();
    assertThat(Gateway.contractOf("/v10/chat")).isNull();
    assertThat(Gateway.contractOf("/api/v1x")).isNull();
    assertThat(Gateway.contractOf("/api")).isNull();
    assertThat(Gateway.contractOf("/")).isNull();
    assertThat(Gateway.contractOf("")).isNull();
    assertThat(Gateway.contractOf(null)).isNull();
  }
}
