package dev.sluice.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AsciiTest {
  @Test
  void textKeepsItsCharactersAndEqualsTheStringIgnoringCaseAsHeadersDo() {
    assertThat(Ascii.of("req_5b7ad9877901b406dadd2f2a").toString()).isEqualTo("req_5b7ad9877901b406dadd2f2a");
    assertThat(Ascii.of("X-RateLimit-Limit-Requests").contentEqualsIgnoreCase("x-ratelimit-limit-requests")).isTrue();
    // Netty decodes header bytes as ISO-8859-1: such a value goes back out byte for byte
    assertThat(Ascii.of("caf\u00e9").array()).containsExactly('c', 'a', 'f', 0xe9);
  }
}
