package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * One golden chat stream, golden/gemini-inbound/stream/NAME.json: the client's {@code model}, the
 * {@code response_id}, the {@code prompt_estimate}, {@code include_thoughts} and the upstream's
 * {@code chunks}; run through {@link ChatStreamToGenerateContent}, one list of responses per chunk,
 * then those of {@code onDone()}.
 */
record StreamCase(String name, JsonNode doc, ChatStreamToGenerateContent translator, List<List<ObjectNode>> steps) {
  static final String DIR = "gemini-inbound/stream";

  static ChatStreamToGenerateContent translator(JsonNode doc) {
    return new ChatStreamToGenerateContent(doc.get("model").asText(), doc.get("response_id").asText(),
        doc.get("prompt_estimate").asLong(), doc.get("include_thoughts").asBoolean());
  }

  static StreamCase run(Path p) {
    JsonNode doc = Golden.read(p);
    ChatStreamToGenerateContent tr = translator(doc);
    List<List<ObjectNode>> steps = new ArrayList<>();
    for (JsonNode chunk : doc.path("chunks")) {
      steps.add(tr.onChunk(chunk));
    }
    steps.add(tr.onDone());
    return new StreamCase(Golden.name(p), doc, tr, steps);
  }

  List<ObjectNode> responses() {
    return steps.stream().flatMap(List::stream).toList();
  }

  ArrayNode stepsJson() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (List<ObjectNode> step : steps) {
      out.addArray().addAll(step);
    }
    return out;
  }

  interface Check {
    void accept(StreamCase c) throws Exception;
  }

  static List<Path> inputs() {
    return Golden.cases(DIR, ".json").stream().filter(p -> !p.toString().endsWith(".expected.json")).toList();
  }

  static Stream<DynamicTest> each(Check check) {
    return inputs().stream().map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> check.accept(run(p))));
  }
}
