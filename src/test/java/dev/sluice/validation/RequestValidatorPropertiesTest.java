package dev.sluice.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.api.Endpoint;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;

/**
 * Robustness: whatever the body, validation ends with success or a well-formed 400, deterministically,
 * and never with any other exception. Tries per property are fixed so the suite size is known
 * (see docs/validation.md, "Robustness").
 */
class RequestValidatorPropertiesTest {
  static final int VALID_TRIES = 1_000;
  static final int MUTATED_TRIES = 4_000;
  static final int ANY_JSON_TRIES = 2_000;
  static final int RAW_TRIES = 2_000;
  static final int DEEP_TRIES = 300;

  private static final RequestValidator V = RequestValidator.openai();
  private static final Set<String> ANCHORS = ValidationDocTest.anchors();

  @Provide
  Arbitrary<Map.Entry<Endpoint, ObjectNode>> valid() {
    return BodyArbitraries.validRequests();
  }

  @Provide
  Arbitrary<Map.Entry<Endpoint, JsonNode>> mutated() {
    return BodyArbitraries.mutatedRequests();
  }

  @Provide
  Arbitrary<JsonNode> anyJson() {
    return BodyArbitraries.anyJson();
  }

  @Provide
  Arbitrary<byte[]> raw() {
    return BodyArbitraries.rawBodies();
  }

  @Provide
  Arbitrary<JsonNode> deep() {
    return BodyArbitraries.deeplyNestedChat();
  }

  @Provide
  Arbitrary<Endpoint> endpoint() {
    return BodyArbitraries.endpoints();
  }

  @Property(tries = VALID_TRIES)
  void validBodiesAreAccepted(@ForAll("valid") Map.Entry<Endpoint, ObjectNode> request) {
    V.validate(request.getKey(), request.getValue());
  }

  @Property(tries = MUTATED_TRIES)
  void mutatedBodiesPassOrGetA400(@ForAll("mutated") Map.Entry<Endpoint, JsonNode> request) {
    checkOutcome(request.getKey(), request.getValue());
  }

  @Property(tries = ANY_JSON_TRIES)
  void arbitraryJsonPassesOrGetsA400(@ForAll("endpoint") Endpoint endpoint, @ForAll("anyJson") JsonNode body) {
    checkOutcome(endpoint, body);
  }

  @Property(tries = RAW_TRIES)
  void rawBytesThatParsePassOrGetA400(@ForAll("endpoint") Endpoint endpoint, @ForAll("raw") byte[] bytes) {
    JsonNode body;
    try {
      body = bytes.length == 0 ? null : Json.MAPPER.readTree(bytes);
    } catch (IOException unparseable) {
      return;
    }
    checkOutcome(endpoint, body);
  }

  @Property(tries = DEEP_TRIES)
  void deepNestingPassesOrGetsA400(@ForAll("deep") JsonNode body) {
    checkOutcome(Endpoint.CHAT_COMPLETIONS, body);
  }

  private static void checkOutcome(Endpoint endpoint, JsonNode body) {
    ApiError first = outcome(endpoint, body);
    Statistics.label("outcome").collect(first == null ? "accepted" : "400");
    if (first == null) {
      return;
    }
    assertThat(first.status()).isEqualTo(400);
    assertThat(first.type()).isEqualTo(ApiError.INVALID_REQUEST);
    assertThat(first.code()).isNull();
    assertThat(first.message()).isNotBlank().hasSizeLessThan(600);
    assertThat(first.docUrl()).startsWith(RequestValidator.DOC_PATH + "#");
    assertThat(ANCHORS).contains(first.docUrl().substring(first.docUrl().indexOf('#') + 1));
    assertThat(first.param() == null).isEqualTo(body == null || !body.isObject());
    assertThat(outcome(endpoint, body)).as("deterministic").isEqualTo(first);
  }

  /** Null on success; any exception other than GatewayException fails the property. */
  private static ApiError outcome(Endpoint endpoint, JsonNode body) {
    try {
      V.validate(endpoint, body);
      return null;
    } catch (GatewayException e) {
      return e.error();
    }
  }
}
