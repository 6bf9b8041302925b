package dev.sluice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which upstream response headers reach the client, and under which name. */
class UpstreamHeaderAllowListTest {
  private static String clientName(String upstream) {
    CharSequence name = RelayHandler.clientHeaderFor(upstream);
    return name == null ? null : name.toString();
  }

  @Test
  void theBodysTypeAndTheRetryAdviceKeepTheirNamesInAnyCase() {
    assertThat(clientName("content-type")).isEqualTo("content-type");
    assertThat(clientName("Content-Type")).isEqualTo("content-type");
    assertThat(clientName("RETRY-AFTER")).isEqualTo("Retry-After");
    assertThat(clientName("retry-after-ms")).isEqualTo("retry-after-ms");
  }

  @Test
  void theUpstreamsRequestIdGoesOutUnderItsOwnName() {
    assertThat(clientName("x-request-id")).isEqualTo("X-Upstream-Request-ID");
    assertThat(clientName("X-Request-Id")).isEqualTo("X-Upstream-Request-ID");
    assertThat(clientName("request-id")).isEqualTo("X-Upstream-Request-ID");
  }

  @Test
  void everythingElseStaysHere() {
    for (String name : new String[] {"openai-organization", "openai-processing-ms", "x-ratelimit-limit-requests",
        "content-length", "set-cookie", "server", "x-request-ix", "content-typf", "retry-afteR-mx", "", "date"}) {
      assertThat(RelayHandler.clientHeaderFor(name)).as(name).isNull();
    }
  }
}
