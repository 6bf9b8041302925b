package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RelayedItemsTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  final RelayedItems items = new RelayedItems(clock);

  static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.parse(s);
  }

  void relay(String item) throws Exception {
    items.onEvent(json("{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":" + item + "}"));
  }

  @Test
  void typedAndUntypedReferencesBecomeTheItemsWithoutTheirIds() throws Exception {
    relay("{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"enc\"}");
    relay("{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"}");
    ObjectNode out = items.expand(json("""
        {"model":"m","input":[{"role":"user","content":"hi"},{"type":"item_reference","id":"rs_1"},{"id":"fc_1"}]}"""));
    assertThat(out).isEqualTo(json("""
        {"model":"m","input":[{"role":"user","content":"hi"},
          {"type":"reasoning","summary":[],"encrypted_content":"enc"},
          {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"}]}"""));
  }

  @Test
  void aReferenceOlderThanTheTtlIsA400OnItsIndex() throws Exception {
    relay("{\"type\":\"reasoning\",\"id\":\"rs_old\",\"summary\":[]}");
    ObjectNode req = json("{\"input\":[{\"type\":\"item_reference\",\"id\":\"rs_old\"}]}");
    assertThat(items.expand(req).path("input").path(0).path("type").asText()).isEqualTo("reasoning");
    clock.advance(RelayedItems.TTL.plus(Duration.ofSeconds(1)));
    assertThatThrownBy(() -> items.expand(req)).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.error().status()).isEqualTo(400);
      assertThat(e.error().param()).isEqualTo("input[0].id");
      assertThat(e.error().message()).contains("'rs_old'");
    });
  }

  @Test
  void requestsWithoutReferencesAreLeftAlone() throws Exception {
    ObjectNode req = json("{\"input\":[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[]}]}");
    assertThat(items.expand(req)).isSameAs(req);
  }
}
