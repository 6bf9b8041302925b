package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.api.Endpoint;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Reusable jqwik generators of request bodies: valid ones per endpoint, valid ones with random
 * mutations (wrong types, nulls, deleted fields, huge numbers and strings, deep nesting), arbitrary
 * JSON, and raw byte bodies (truncated JSON, invalid UTF-8, empty) plus content types for HTTP-level
 * fuzzing.
 */
public final class BodyArbitraries {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Endpoint[] VALIDATED = {Endpoint.CHAT_COMPLETIONS, Endpoint.COMPLETIONS,
      Endpoint.EMBEDDINGS, Endpoint.IMAGES_GENERATIONS, Endpoint.RESPONSES};
  private static final String[] KEYS = {"model", "messages", "role", "content", "type", "text", "image_url", "url",
      "tools", "function", "name", "tool_choice", "stream", "stream_options", "n", "temperature", "stop", "input",
      "prompt", "size", "response_format", "json_schema", "x_unknown", "", "\u0000", "\uD800"};

  private BodyArbitraries() {
  }

  /** Endpoints whose bodies the validator checks. */
  public static Arbitrary<Endpoint> endpoints() {
    return Arbitraries.of(VALIDATED);
  }

  /** A body every rule accepts, for the given endpoint. */
  public static Arbitrary<ObjectNode> validBodies(Endpoint endpoint) {
    return Arbitraries.randomValue(r -> validBody(endpoint, r));
  }

  /** A pair of an endpoint and a body valid for it. */
  public static Arbitrary<Map.Entry<Endpoint, ObjectNode>> validRequests() {
    return endpoints().flatMap(e -> validBodies(e).map(b -> Map.entry(e, b)));
  }

  /** A valid body for a random endpoint with 1 to 4 random mutations applied. */
  public static Arbitrary<Map.Entry<Endpoint, JsonNode>> mutatedRequests() {
    return endpoints().flatMap(e -> Arbitraries.randomValue(r -> {
      JsonNode body = validBody(e, r);
      int mutations = 1 + r.nextInt(4);
      for (int i = 0; i < mutations; i++) {
        body = mutate(body, r);
      }
      return Map.entry(e, body);
    }));
  }

  /** Any JSON value, bounded depth, including extreme numbers and strings. */
  public static Arbitrary<JsonNode> anyJson() {
    return Arbitraries.randomValue(r -> randomValue(r, 4));
  }

  /** A valid chat body with a nesting of up to 20 000 levels planted at a random position. */
  public static Arbitrary<JsonNode> deeplyNestedChat() {
    return Arbitraries.randomValue(r -> {
      JsonNode body = validBody(Endpoint.CHAT_COMPLETIONS, r);
      JsonNode deep = deepNest(r, 1 + r.nextInt(20_000));
      return replaceRandomSlot(body, r, deep);
    });
  }

  /**
   * Raw request bytes: serialized valid and mutated bodies, truncated at a random point, with
   * invalid UTF-8 inserted, random bytes, or empty.
   */
  public static Arbitrary<byte[]> rawBodies() {
    return Arbitraries.randomValue(r -> {
      Endpoint e = VALIDATED[r.nextInt(VALIDATED.length)];
      JsonNode body = r.nextBoolean() ? validBody(e, r) : mutate(validBody(e, r), r);
      byte[] bytes = serialize(body, e, r);
      return switch (r.nextInt(7)) {
        case 0 -> bytes;
        case 1 -> java.util.Arrays.copyOf(bytes, r.nextInt(Math.max(1, bytes.length)));
        case 2 -> insert(bytes, r, new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF, (byte) 0xFE},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80});
        case 3 -> {
          byte[] junk = new byte[r.nextInt(256)];
          r.nextBytes(junk);
          yield junk;
        }
        case 4 -> new byte[0];
        case 5 -> ("[" + "[".repeat(r.nextInt(5000)) + "]").getBytes(StandardCharsets.UTF_8);
        default -> ("{\"model\":\"m\",\"n\":" + "9".repeat(1 + r.nextInt(3000)) + "}").getBytes(StandardCharsets.UTF_8);
      };
    });
  }

  private static byte[] serialize(JsonNode body, Endpoint e, Random r) {
    try {
      return Json.write(body).getBytes(StandardCharsets.UTF_8);
    } catch (IllegalStateException tooDeepToWrite) {
      return Json.write(validBody(e, r)).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Content-Type header values, right and wrong. */
  public static Arbitrary<String> contentTypes() {
    return Arbitraries.of("application/json", "application/json; charset=utf-8", "application/json; charset=utf-16",
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
        "", "application/json, text/plain", "\u00e9/\u00e9", "*/*");
  }

  // ---- valid bodies ----------------------------------------------------------------------------

  static ObjectNode validBody(Endpoint endpoint, Random r) {
    return switch (endpoint) {
      case CHAT_COMPLETIONS -> validChat(r);
      case COMPLETIONS -> {
        ObjectNode b = Json.object().put("model", "gpt-3.5-turbo-instruct");
        switch (r.nextInt(4)) {
          case 0 -> b.put("prompt", text(r));
          case 1 -> b.putArray("prompt").add(text(r)).add(text(r));
          case 2 -> b.putArray("prompt").add(1).add(2);
          default -> b.putNull("prompt");
        }
        samplingParams(b, r);
        yield b;
      }
      case EMBEDDINGS -> {
        ObjectNode b = Json.object().put("model", "bge-m3");
        if (r.nextBoolean()) {
          b.put("input", "x" + text(r));
        } else {
          b.putArray("input").add("a").addArray().add(1).add(2);
        }
        if (r.nextBoolean()) {
          b.put("encoding_format", r.nextBoolean() ? "float" : "base64");
        }
        if (r.nextBoolean()) {
          b.put("dimensions", 1 + r.nextInt(4096));
        }
        yield b;
      }
      case IMAGES_GENERATIONS -> {
        ObjectNode b = Json.object().put("prompt", "p" + text(r));
        if (r.nextBoolean()) {
          b.put("model", "dall-e-3");
        }
        if (r.nextBoolean()) {
          b.put("n", 1 + r.nextInt(4));
        }
        if (r.nextBoolean()) {
          b.put("size", pick(r, "256x256", "512x512", "1024x1024", "1792x1024", "1024x1792"));
        }
        if (r.nextBoolean()) {
          b.put("quality", pick(r, "standard", "hd"));
        }
        if (r.nextBoolean()) {
          b.put("response_format", pick(r, "url", "b64_json"));
        }
        yield b;
      }
      default -> {
        ObjectNode b = Json.object().put("model", "gpt-5");
        b.set("input", r.nextBoolean() ? F.textNode(text(r)) : randomValue(r, 3));
        yield b;
      }
    };
  }

  private static ObjectNode validChat(Random r) {
    ObjectNode b = RequestBodies.typicalChat(1 + r.nextInt(25));
    if (r.nextBoolean()) {
      b.remove("tool_choice");
      if (r.nextBoolean()) {
        b.put("tool_choice", pick(r, "none", "auto", "required"));
      }
    }
    if (r.nextBoolean()) {
      b.remove("stream_options");
      b.put("stream", r.nextBoolean());
    }
    samplingParams(b, r);
    if (r.nextBoolean()) {
      ObjectNode rf = b.putObject("response_format");
      switch (r.nextInt(3)) {
        case 0 -> rf.put("type", "text");
        case 1 -> rf.put("type", "json_object");
        default -> rf.put("type", "json_schema").putObject("json_schema").put("name", "schema_" + r.nextInt(1000))
            .set("schema", randomObject(r, 3));
      }
    }
    if (r.nextBoolean()) {
      b.set("x_unknown_" + r.nextInt(10), randomValue(r, 3));
    }
    return b;
  }

  private static void samplingParams(ObjectNode b, Random r) {
    if (r.nextBoolean()) {
      b.put("temperature", BigDecimal.valueOf(r.nextInt(201), 2));
    }
    if (r.nextBoolean()) {
      b.put("top_p", BigDecimal.valueOf(r.nextInt(101), 2));
    }
    if (r.nextBoolean()) {
      b.put("presence_penalty", BigDecimal.valueOf(r.nextInt(401) - 200, 2));
    }
    if (r.nextBoolean()) {
      b.put("max_tokens", 1 + r.nextInt(100_000));
    }
    if (r.nextBoolean()) {
      ArrayNode stop = b.putArray("stop");
      for (int i = r.nextInt(5); i > 0; i--) {
        stop.add(text(r));
      }
    }
    if (r.nextBoolean()) {
      b.put("seed", r.nextLong());
    }
    if (r.nextBoolean()) {
      b.put("n", 1);
    }
  }

  // ---- mutations -------------------------------------------------------------------------------

  /** One random change to a copy of {@code body}. */
  static JsonNode mutate(JsonNode body, Random r) {
    JsonNode copy = body.deepCopy();
    List<JsonNode> containers = new ArrayList<>();
    collect(copy, containers, 0);
    if (containers.isEmpty() || r.nextInt(50) == 0) {
      return randomValue(r, 3);
    }
    JsonNode target = containers.get(r.nextInt(containers.size()));
    JsonNode replacement = switch (r.nextInt(8)) {
      case 0 -> F.nullNode();
      case 1 -> extremeNumber(r);
      case 2 -> F.textNode(hugeString(r));
      case 3 -> deepNest(r, 1 + r.nextInt(800));
      default -> randomValue(r, 3);
    };
    if (target instanceof ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      int op = r.nextInt(4);
      if (names.isEmpty() || op == 0) {
        obj.set(KEYS[r.nextInt(KEYS.length)], replacement);
      } else if (op == 1) {
        obj.remove(names.get(r.nextInt(names.size())));
      } else {
        obj.set(names.get(r.nextInt(names.size())), replacement);
      }
    } else if (target instanceof ArrayNode arr) {
      int op = r.nextInt(3);
      if (arr.isEmpty() || op == 0) {
        arr.add(replacement);
      } else if (op == 1) {
        arr.remove(r.nextInt(arr.size()));
      } else {
        arr.set(r.nextInt(arr.size()), replacement);
      }
    }
    return copy;
  }

  private static JsonNode replaceRandomSlot(JsonNode body, Random r, JsonNode value) {
    List<JsonNode> containers = new ArrayList<>();
    collect(body, containers, 0);
    JsonNode target = containers.get(r.nextInt(containers.size()));
    if (target instanceof ObjectNode obj) {
      Iterator<String> it = obj.fieldNames();
      String name = it.hasNext() && r.nextBoolean() ? it.next() : KEYS[r.nextInt(KEYS.length)];
      obj.set(name, value);
    } else if (target instanceof ArrayNode arr) {
      if (arr.isEmpty()) {
        arr.add(value);
      } else {
        arr.set(r.nextInt(arr.size()), value);
      }
    }
    return body;
  }

  private static void collect(JsonNode node, List<JsonNode> out, int depth) {
    if (depth > 12 || !node.isContainerNode()) {
      return;
    }
    out.add(node);
    for (JsonNode child : node) {
      collect(child, out, depth + 1);
    }
  }

  // ---- random values ---------------------------------------------------------------------------

  static JsonNode randomValue(Random r, int depth) {
    int kind = r.nextInt(depth <= 0 ? 6 : 8);
    return switch (kind) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(r.nextBoolean());
      case 2 -> F.textNode(r.nextInt(10) == 0 ? hugeString(r) : text(r));
      case 3 -> r.nextBoolean() ? F.numberNode(r.nextInt(11) - 5) : extremeNumber(r);
      case 4 -> F.numberNode(BigDecimal.valueOf(r.nextInt(1000) - 500, r.nextInt(4)));
      case 5 -> F.textNode(pick(r, "user", "assistant", "tool", "system", "text", "image_url", "function", "json_schema",
          "auto", "required", "float", "1024x1024", "hd", "url"));
      case 6 -> randomObject(r, depth - 1);
      default -> {
        ArrayNode a = F.arrayNode();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.add(randomValue(r, depth - 1));
        }
        yield a;
      }
    };
  }

  private static ObjectNode randomObject(Random r, int depth) {
    ObjectNode o = F.objectNode();
    for (int i = r.nextInt(5); i > 0; i--) {
      o.set(KEYS[r.nextInt(KEYS.length)], depth <= 0 ? F.textNode(text(r)) : randomValue(r, depth - 1));
    }
    return o;
  }

  static JsonNode extremeNumber(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> F.numberNode(new BigDecimal("1e" + (r.nextInt(2_000_000_000) - 1_000_000_000)));
      case 1 -> F.numberNode(BigInteger.TEN.pow(r.nextInt(1000)).negate());
      case 2 -> F.numberNode(new BigInteger(1 + r.nextInt(3000), r));
      case 3 -> F.numberNode(Long.MIN_VALUE);
      case 4 -> F.numberNode(Long.MAX_VALUE);
      case 5 -> F.numberNode(pick(r, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE));
      case 6 -> F.numberNode(new BigDecimal("0." + "0".repeat(r.nextInt(500)) + "1"));
      case 7 -> F.numberNode(new BigDecimal(BigInteger.valueOf(r.nextLong()), -r.nextInt(40)));
      case 8 -> F.numberNode(r.nextFloat());
      default -> F.numberNode(new BigDecimal("2.0000000000000000000000000000001"));
    };
  }

  static String hugeString(Random r) {
    int n = r.nextInt(200_000);
    StringBuilder sb = new StringBuilder(n);
    String alphabet = "a\u00e9\u4e2d\uD83D\uDE00\u0000\uD800\uDFFF\"\\\n";
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static JsonNode deepNest(Random r, int depth) {
    JsonNode node = F.textNode("bottom");
    boolean arrays = r.nextBoolean();
    for (int i = 0; i < depth; i++) {
      node = arrays ? F.arrayNode().add(node) : F.objectNode().set(KEYS[i % KEYS.length], node);
    }
    return node;
  }

  private static String text(Random r) {
    return pick(r, "hello", "", "\u4f60\u597d", "emoji \uD83D\uDE00", "lone \uD800 surrogate", "tab\tquote\"", "a".repeat(70));
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }

  private static byte[] insert(byte[] bytes, Random r, byte[]... choices) {
    byte[] bad = choices[r.nextInt(choices.length)];
    int at = r.nextInt(bytes.length + 1);
    byte[] out = new byte[bytes.length + bad.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(bad, 0, out, at, bad.length);
    System.arraycopy(bytes, at, out, at + bad.length, bytes.length - at);
    return out;
  }
}
