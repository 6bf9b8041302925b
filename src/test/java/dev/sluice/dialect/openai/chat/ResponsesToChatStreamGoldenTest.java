package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Streams event by event: golden/streams/NAME.json holds the events, NAME.expected.json the chunks
 * (or error) each event produces and the state at the end.
 */
class ResponsesToChatStreamGoldenTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

  @TestFactory
  Stream<DynamicTest> streams() {
    return Golden.cases("streams", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  static ObjectNode translate(JsonNode doc) throws Exception {
    List<JsonNode> limits = new ArrayList<>();
    var tr = new ResponsesToChatStream(doc.path("requested_model").asText(), doc.path("include_usage").asBoolean(),
        CLOCK, limits::add);
    ObjectNode out = Json.object();
    ArrayNode steps = out.putArray("steps");
    for (JsonNode step : doc.path("steps")) {
      JsonNode event = step.get("event");
      ObjectNode s = steps.addObject();
      s.put("type", event.path("type").asText());
      try {
        List<String> chunks = tr.onEvent(event);
        ArrayNode arr = s.putArray("chunks");
        for (String c : chunks) {
          assertThat(hasLoneSurrogate(c)).as("chunk has a lone surrogate: %s", c).isFalse();
          arr.add(Json.parse(c));
        }
      } catch (GatewayException e) {
        s.set("error", Golden.error(e.error()));
      }
    }
    ObjectNode fin = out.putObject("final");
    fin.put("finished", tr.finished());
    fin.put("finish_reason", tr.finishReason());
    fin.set("usage", Json.MAPPER.valueToTree(tr.usage()));
    fin.put("rate_limit_events", limits.size());
    fin.put("last_rate_limits_present", tr.lastRateLimits().isPresent());
    return (ObjectNode) Json.parse(Json.write(out));
  }

  private static void run(Path p) throws Exception {
    ObjectNode actual = translate(Golden.read(p));
    Path expectedFile = p.resolveSibling(Golden.name(p) + ".expected.json");
    if (Golden.UPDATE) {
      Golden.write(expectedFile, actual);
    }
    JsonNode expected = Golden.read(expectedFile);
    for (int i = 0; i < expected.path("steps").size(); i++) {
      assertThat(actual.path("steps").get(i)).as("step %d", i).isEqualTo(expected.path("steps").get(i));
    }
    assertThat(actual).isEqualTo(expected);
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
