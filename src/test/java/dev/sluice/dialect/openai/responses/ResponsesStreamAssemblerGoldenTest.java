package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The golden streams assembled into one response: golden/responses-assembly/NAME.json. */
class ResponsesStreamAssemblerGoldenTest {

  @TestFactory
  Stream<DynamicTest> assemble() {
    return Golden.cases("streams", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    JsonNode doc = Golden.read(p);
    var assembler = new ResponsesStreamAssembler();
    ObjectNode actual = Json.object();
    try {
      for (JsonNode step : doc.path("steps")) {
        assembler.onEvent(step.get("event"));
      }
      actual.set("response", assembler.response());
    } catch (GatewayException e) {
      actual.set("error", Golden.error(e.error()));
    }
    actual.put("rate_limits_seen", assembler.lastRateLimits().isPresent());
    actual = (ObjectNode) Json.parse(Json.write(actual));
    Path expectedFile = Golden.ROOT.resolve("responses-assembly").resolve(Golden.name(p) + ".json");
    if (Golden.UPDATE) {
      Golden.write(expectedFile, actual);
    }
    assertThat(actual).isEqualTo(Golden.read(expectedFile));
  }
}
