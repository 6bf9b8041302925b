package dev.sluice.dialect.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * One golden chat stream, golden/chat-stream/NAME.json: the client's Responses {@code request}, the
 * {@code id_seed}, and the upstream's {@code chunks}; run through {@link ChatToResponsesStream}.
 */
record ChatStreamCase(String name, JsonNode doc, ChatToResponsesStream translator, List<List<ObjectNode>> steps) {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

  /** Runs the case: one list of events per chunk, then the events of {@code onDone()}. */
  static ChatStreamCase run(Path p) {
    JsonNode doc = Golden.read(p);
    var tr = new ChatToResponsesStream(doc.get("request"), doc.path("id_seed").asText(), CLOCK);
    List<List<ObjectNode>> steps = new ArrayList<>();
    for (JsonNode chunk : doc.path("chunks")) {
      steps.add(tr.onChunk(chunk));
    }
    steps.add(tr.onDone());
    return new ChatStreamCase(Golden.name(p), doc, tr, steps);
  }

  List<ObjectNode> events() {
    return steps.stream().flatMap(List::stream).toList();
  }

  interface Check {
    void accept(ChatStreamCase c) throws Exception;
  }

  static Stream<DynamicTest> each(Check check) {
    return Golden.cases("chat-stream", ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> check.accept(run(p))));
  }
}
