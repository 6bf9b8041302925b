package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitHeadersTest {
  @ParameterizedTest
  @CsvSource({
      "0, 0s",
      "1, 1ms",
      "120000000, 120ms",
      "999000001, 1s",
      "1000000000, 1s",
      "6000000000, 6s",
      "8640000000, 8.64s",
      "60000000000, 1m0s",
      "90500000000, 1m30.5s",
      "360000000000, 6m0s",
      "3600000000000, 1h0m0s",
      "3723004000000, 1h2m3.004s",
  })
  void durationsUseOpenAiFormatRoundedUpToMilliseconds(long nanos, String expected) {
    assertThat(RateLimitHeaders.duration(nanos)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1, 1", "1000000000, 1", "1000000001, 2", "5500000000, 6", "8571428572, 9"})
  void retryAfterIsWholeSecondsRoundedUp(long nanos, long seconds) {
    assertThat(RateLimitHeaders.ceilSeconds(nanos)).isEqualTo(seconds);
  }
}
