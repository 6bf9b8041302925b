package dev.sluice.dialect.anthropic.inbound;

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
 * One golden chat stream, golden/anthropic-inbound/stream/NAME.json: the client's {@code model}, the
 * {@code id_seed}, the {@code prompt_estimate} and the upstream's {@code chunks}; run through
 * {@link ChatStreamToMessages}, one list of events per chunk, then those of {@code onDone()}.
 */
record StreamCase(String name, JsonNode doc, ChatStreamToMessages translator,
                  List<List<ChatStreamToMessages.Event>> steps) {
  static final String DIR = "anthropic-inbound/stream";

  static StreamCase run(Path p) {
    JsonNode doc = Golden.read(p);
    var tr = new ChatStreamToMessages(doc.get("model").asText(), doc.get("id_seed").asText(),
        doc.get("prompt_estimate").asLong());
    List<List<ChatStreamToMessages.Event>> steps = new ArrayList<>();
    for (JsonNode chunk : doc.path("chunks")) {
      steps.add(tr.onChunk(chunk));
    }
    steps.add(tr.onDone());
    return new StreamCase(Golden.name(p), doc, tr, steps);
  }

  List<ChatStreamToMessages.Event> events() {
    return steps.stream().flatMap(List::stream).toList();
  }

  /** The steps as JSON: per step, the events as {@code {event, data}}. */
  ArrayNode stepsJson() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (var step : steps) {
      ArrayNode events = out.addArray();
      step.forEach(e -> events.addObject().put("event", e.type()).set("data", e.data()));
    }
    return out;
  }

  /**
   * The chat completion the chunks add up to, independently of the translator: content, reasoning,
   * signature, tool calls by index, the first finish reason and the last usage (else the prompt
   * estimate, which the stream reports when the upstream gives none). A call without an id gets the
   * stream's fallback id.
   */
  ObjectNode completion() {
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    StringBuilder signature = new StringBuilder();
    List<ObjectNode> calls = new ArrayList<>();
    String finish = null;
    JsonNode usage = Json.object().put("prompt_tokens", doc.get("prompt_estimate").asLong());
    for (JsonNode chunk : doc.path("chunks")) {
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
      JsonNode choice = chunk.path("choices").path(0);
      JsonNode delta = choice.path("delta");
      content.append(delta.path("content").asText("")).append(delta.path("refusal").asText(""));
      reasoning.append(delta.path("reasoning_content").asText(delta.path("reasoning").asText("")));
      signature.append(delta.path("reasoning_signature").asText(""));
      for (JsonNode call : delta.path("tool_calls")) {
        int index = call.get("index").asInt();
        while (calls.size() <= index) {
          ObjectNode c = Json.object().put("id", "toolu_" + doc.get("id_seed").asText() + "_" + calls.size());
          c.putObject("function").put("arguments", "");
          calls.add(c);
        }
        ObjectNode c = calls.get(index);
        if (call.hasNonNull("id")) {
          c.put("id", call.get("id").asText());
        }
        ObjectNode f = (ObjectNode) c.get("function");
        if (call.path("function").hasNonNull("name")) {
          f.put("name", call.path("function").get("name").asText());
        }
        f.put("arguments", f.get("arguments").asText() + call.path("function").path("arguments").asText(""));
      }
      if (finish == null && choice.hasNonNull("finish_reason")) {
        finish = choice.get("finish_reason").asText();
      }
    }
    ObjectNode message = Json.object().put("role", "assistant").put("content", content.toString())
        .put("reasoning_content", reasoning.toString()).put("reasoning_signature", signature.toString());
    message.putArray("tool_calls").addAll(calls);
    ObjectNode completion = Json.object().put("id", "chatcmpl-" + doc.get("id_seed").asText());
    completion.putArray("choices").addObject().put("finish_reason", finish).set("message", message);
    completion.set("usage", usage);
    return completion;
  }

  interface Check {
    void accept(StreamCase c) throws Exception;
  }

  static Stream<DynamicTest> each(Check check) {
    return Golden.cases(DIR, ".json").stream()
        .filter(p -> !p.toString().endsWith(".expected.json"))
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> check.accept(run(p))));
  }
}
