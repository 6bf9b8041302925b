package dev.sluice.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AsciiTest {
  @Test
  void numbersAreTheirDecimalDigits() {
    for (long n : new long[] {0, 7, 9, 10, 42, 29_999_999, 1_796_292_310L, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertThat(Ascii.of(n).toString()).isEqualTo(Long.toString(n));
      assertThat(Ascii.of(n).length()).isEqualTo(Long.toString(n).length());
    }
  }

  @Test
  void textKeepsItsCharactersAndEqualsTheStringIgnoringCaseAsHeadersDo() {
    assertThat(Ascii.of("req_5b7ad9877901b406dadd2f2a").toString()).isEqualTo("req_5b7ad9877901b406dadd2f2a");
    assertThat(Ascii.of("X-RateLimit-Limit-Requests").contentEqualsIgnoreCase("x-ratelimit-limit-requests")).isTrue();
    // Netty decodes header bytes as ISO-8859-1: such a value goes back out byte for byte
    assertThat(Ascii.of("caf\u00e9").array()).containsExactly('c', 'a', 'f', 0xe9);
  }
}
