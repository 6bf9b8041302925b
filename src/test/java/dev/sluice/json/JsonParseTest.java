package dev.sluice.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Json#parse} builds its trees itself instead of through databind; it must give exactly what
 * {@code Json.MAPPER.readTree} gives: equal trees, the same text when written back, the same member
 * order, and a failure wherever readTree fails.
 */
class JsonParseTest {
  private static void sameAsDatabind(String text) throws Exception {
    JsonNode expected = Json.MAPPER.readTree(text);
    JsonNode fromString = Json.parse(text);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    JsonNode fromBytes = Json.parse(utf8);
    byte[] padded = ("xx" + text + "yy").getBytes(StandardCharsets.UTF_8);
    JsonNode fromSlice = Json.parse(padded, 2, utf8.length);
    for (JsonNode actual : List.of(fromString, fromBytes, fromSlice)) {
      assertEquals(expected, actual, text);
      assertEquals(expected.getClass(), actual.getClass(), text);
      assertEquals(Json.MAPPER.writeValueAsString(expected), Json.MAPPER.writeValueAsString(actual), text);
      assertSameNodeTypes(expected, actual, text);
    }
  }

  /** equals() on numbers compares values; the node classes (int, long, big integer, decimal) must match too. */
  private static void assertSameNodeTypes(JsonNode expected, JsonNode actual, String text) {
    assertEquals(expected.getClass(), actual.getClass(), text);
    assertEquals(expected.size(), actual.size(), text);
    if (expected.isObject()) {
      List<String> names = new ArrayList<>();
      expected.fieldNames().forEachRemaining(names::add);
      List<String> actualNames = new ArrayList<>();
      actual.fieldNames().forEachRemaining(actualNames::add);
      assertEquals(names, actualNames, "member order of " + text);
      for (Map.Entry<String, JsonNode> e : expected.properties()) {
        assertSameNodeTypes(e.getValue(), actual.get(e.getKey()), text);
      }
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameNodeTypes(expected.get(i), actual.get(i), text);
      }
    }
  }

  @Test
  void everyGoldenFileParsesAsDatabindParsesIt() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("src/test/resources/golden"))) {
      files = walk.filter(p -> p.toString().endsWith(".json")).toList();
    }
    assertTrue(files.size() > 50, "the golden files: " + files.size());
    for (Path f : files) {
      String text = Files.readString(f);
      sameAsDatabind(text);
      // and each stream event or chunk on its own, written compactly as on the wire
      JsonNode tree = Json.MAPPER.readTree(text);
      for (String list : List.of("events", "chunks")) {
        for (JsonNode e : tree.path(list)) {
          sameAsDatabind(Json.write(e));
          if (e.path("data").isObject()) {
            sameAsDatabind(Json.write(e.path("data")));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", "[]", "null", "true", "false", "0", "-0", "7", "\"text\"", "  {\"a\" : 1 }  \n",
      "{\"a\":1,\"b\":2147483648,\"c\":-9223372036854775809,\"d\":12345678901234567890123}",
      "{\"f\":1.50,\"g\":1e3,\"h\":1E+2,\"i\":-0.0,\"j\":0.000,\"k\":1.0e-10,\"l\":3.14159265358979323846264338327950288}",
      "{\"m\":100.0,\"n\":2.5E-400,\"o\":1e400,\"p\":0.1}",
      "{\"dup\":1,\"x\":2,\"dup\":3}",
      "{\"s\":\"\\u00e9\\n\\t\\\"\\\\\\/\\ud83d\\ude00 é 😀\"}",
      "[1,[2,[3,{\"a\":[]}]],{},\"\",null]",
      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}",
  })
  void documentsParseAsDatabindParsesThem(String text) throws Exception {
    sameAsDatabind(text);
  }

  @Test
  void emptyInputIsMissingAsWithDatabind() throws Exception {
    for (String text : List.of("", "   ", "\n")) {
      assertTrue(Json.MAPPER.readTree(text).isMissingNode());
      assertTrue(Json.parse(text).isMissingNode());
      assertTrue(Json.parse(text.getBytes(StandardCharsets.UTF_8)).isMissingNode());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{", "{\"a\":}", "{\"a\":1,}", "[1,2", "{} {}", "{} x", "[1] 2", "nul", "{'a':1}", "{\"a\":NaN}",
      "\"unterminated", "{\"a\":01}", "[1 2]", "}",
  })
  void malformedDocumentsFailAsWithDatabind(String text) {
    assertThrows(IOException.class, () -> Json.MAPPER.readTree(text), "databind accepts " + text);
    assertThrows(JsonProcessingException.class, () -> Json.parse(text), text);
    assertThrows(JsonProcessingException.class, () -> Json.parse(text.getBytes(StandardCharsets.UTF_8)), text);
  }

  @Test
  void theReadConstraintsHold() {
    String deep = "[".repeat(300) + "]".repeat(300);
    assertThrows(IOException.class, () -> Json.MAPPER.readTree(deep));
    assertThrows(JsonProcessingException.class, () -> Json.parse(deep));
    String longNumber = "[" + "9".repeat(1200) + "]";
    assertThrows(IOException.class, () -> Json.MAPPER.readTree(longNumber));
    assertThrows(JsonProcessingException.class, () -> Json.parse(longNumber));
  }
}
