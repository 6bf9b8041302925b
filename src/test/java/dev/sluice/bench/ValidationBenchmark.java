package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.api.Endpoint;
import dev.sluice.validation.RequestBodies;
import dev.sluice.validation.RequestValidator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of validating a typical chat request: 20 messages (system, user text and image parts,
 * assistant tool calls, tool results), two function tools with JSON Schema parameters, a named
 * tool choice, sampling parameters and streaming options. The body is parsed once in setup, as the
 * relay hands the validator an already parsed tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidationBenchmark {
  private RequestValidator validator;
  private JsonNode body;

  @Setup
  public void setup() throws Exception {
    validator = RequestValidator.openai();
    body = Json.parse(Json.write(RequestBodies.typicalChat(20)));
    validator.validate(Endpoint.CHAT_COMPLETIONS, body);
  }

  @Benchmark
  public JsonNode validateTypicalChat() {
    validator.validate(Endpoint.CHAT_COMPLETIONS, body);
    return body;
  }
}
