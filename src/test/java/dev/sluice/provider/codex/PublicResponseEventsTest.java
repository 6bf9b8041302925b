package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.ObjectMappers;
import com.openai.models.responses.ResponseStreamEvent;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The allow-list is exactly the openai-java SDK's {@link ResponseStreamEvent} union. */
class PublicResponseEventsTest {

  static String visited(String type) throws Exception {
    return variant(ObjectMappers.jsonMapper().readValue("{\"type\":\"" + type + "\"}", ResponseStreamEvent.class));
  }

  /**
   * The SDK's visitor method an event dispatches to: "unknown" when its type is outside the SDK's
   * union (where the Node SDK's {@code responses.stream()} throws "Unhandled response stream event").
   */
  static String variant(ResponseStreamEvent ev) {
    @SuppressWarnings("unchecked")
    ResponseStreamEvent.Visitor<String> visitor = (ResponseStreamEvent.Visitor<String>) Proxy.newProxyInstance(
        PublicResponseEventsTest.class.getClassLoader(), new Class<?>[] {ResponseStreamEvent.Visitor.class},
        (proxy, method, args) -> method.getName());
    return ev.accept(visitor);
  }

  @Test
  void everyAllowedTypeIsOneTheSdkKnows() throws Exception {
    for (String type : PublicResponseEvents.all()) {
      assertThat(visited(type)).as(type).isNotEqualTo("unknown");
    }
    assertThat(visited("codex.rate_limits")).isEqualTo("unknown");
    assertThat(PublicResponseEvents.isPublic("codex.rate_limits")).isFalse();
  }

  @Test
  void theSdkKnowsNoTypeMissingFromTheList() {
    long variants = Arrays.stream(ResponseStreamEvent.Visitor.class.getMethods()).map(Method::getName)
        .filter(n -> n.startsWith("visit")).count();
    assertThat(PublicResponseEvents.all()).hasSize((int) variants);
  }
}
