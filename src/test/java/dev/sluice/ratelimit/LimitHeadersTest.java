package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An admission's headers: in the order put, a name put twice keeps its place with the last value. */
class LimitHeadersTest {
  @Test
  void keepsTheOrderPutAndIsAMapLikeAnyOther() {
    Map<String, String> h = new LimitHeaders.Builder(1)
        .put("X-RateLimit-Limit-Requests", "60")
        .put("X-RateLimit-Remaining-Requests", "59")
        .put("X-RateLimit-Limit-Requests", "61")
        .put("retry-after-ms", "5")
        .build();
    assertThat(List.copyOf(h.keySet()))
        .containsExactly("X-RateLimit-Limit-Requests", "X-RateLimit-Remaining-Requests", "retry-after-ms");
    assertThat(h.get("X-RateLimit-Limit-Requests")).isEqualTo("61");
    assertThat(h.get("x-ratelimit-limit-requests")).as("names as written").isNull();
    assertThat(h).isEqualTo(new HashMap<>(Map.of("X-RateLimit-Limit-Requests", "61",
        "X-RateLimit-Remaining-Requests", "59", "retry-after-ms", "5")));
    assertThat(h.hashCode()).isEqualTo(Map.copyOf(h).hashCode());
    assertThatThrownBy(() -> h.put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.entrySet().iterator().next().setValue("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(LimitHeaders.copyOf(h)).isSameAs(h);
  }

  @Test
  void anAdmissionCopiesAMapItWasGiven() {
    Map<String, String> given = new HashMap<>(Map.of("X-RateLimit-Limit-Requests", "60"));
    Admission a = new Admission(true, given, 0);
    given.put("X-RateLimit-Limit-Requests", "0");
    assertThat(a.headers()).containsExactly(Map.entry("X-RateLimit-Limit-Requests", "60"));
  }
}
