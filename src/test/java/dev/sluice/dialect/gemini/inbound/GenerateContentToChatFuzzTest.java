package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Endpoint;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.validation.RequestValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The golden requests with one value anywhere in them replaced by another kind of JSON (string,
 * number, boolean, null, array, object): the translators either translate or refuse with a 400
 * naming a field; never another exception (a 5xx). What they accept is a chat request the gateway's
 * chat validation accepts too. countTokens the same.
 */
class GenerateContentToChatFuzzTest {
  private static final List<JsonNode> REQUESTS = Golden.cases("gemini-inbound/request", ".json").stream()
      .map(Golden::read).map(d -> d.get("gemini")).toList();
  private static final List<String> VALUES = List.of("\"x\"", "\"\"", "0", "-1", "1.5", "true", "null", "[]", "[1]",
      "{}", "{\"text\":\"t\"}", "\"STRING\"", "\"user\"", "\"model\"", "\"ANY\"", "3", "\"7\"", "1e400",
      "[\"a\",\"b\",\"c\",\"d\",\"e\"]", "{\"functionCall\":{\"name\":\"f\"}}");

  @Provide
  Arbitrary<Integer> anyIndex() {
    return Arbitraries.integers().between(0, 10_000);
  }

  @Property(tries = 1000)
  void refusesOnlyWithA400(@ForAll("anyIndex") int request, @ForAll("anyIndex") int at, @ForAll("anyIndex") int value)
      throws Exception {
    ObjectNode body = (ObjectNode) REQUESTS.get(request % REQUESTS.size()).deepCopy();
    List<ContainerNode<?>> parents = new ArrayList<>();
    List<Object> keys = new ArrayList<>();
    collect(body, parents, keys);
    int i = at % parents.size();
    JsonNode replacement = Json.parse(VALUES.get(value % VALUES.size()));
    if (parents.get(i) instanceof ObjectNode o) {
      o.set((String) keys.get(i), replacement);
    } else {
      ((ArrayNode) parents.get(i)).set((Integer) keys.get(i), replacement);
    }
    for (boolean stream : new boolean[] {false, true}) {
      ObjectNode chat;
      try {
        chat = GenerateContentToChat.translate(body, "gemini-x", stream);
      } catch (GatewayException e) {
        assertThat(e.error().status()).isEqualTo(400);
        assertThat(e.error().param()).isNotBlank();
        continue;
      }
      RequestValidator.openai().validate(Endpoint.CHAT_COMPLETIONS, chat);
    }
    try {
      GeminiCountTokens.count(body);
    } catch (GatewayException e) {
      assertThat(e.error().status()).isEqualTo(400);
    }
  }

  private static void collect(JsonNode node, List<ContainerNode<?>> parents, List<Object> keys) {
    if (node instanceof ObjectNode o) {
      o.fieldNames().forEachRemaining(k -> {
        parents.add(o);
        keys.add(k);
        collect(o.get(k), parents, keys);
      });
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        parents.add(a);
        keys.add(i);
        collect(a.get(i), parents, keys);
      }
    }
  }
}
