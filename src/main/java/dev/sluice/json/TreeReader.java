package dev.sluice.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Builds the tree {@code Json.MAPPER.readTree} builds, straight from the streaming parser. Databind's
 * tree read creates a deserialization context and goes through its node deserializer for every call,
 * which is most of the cost of a small document such as one stream event; this reads the tokens
 * into nodes itself. Same nodes, same member order, last duplicate wins, floats as
 * {@link BigDecimal} ({@code USE_BIG_DECIMAL_FOR_FLOATS}) normalised as the mapper's node factory
 * does, {@link MissingNode} for empty input, trailing tokens refused ({@code FAIL_ON_TRAILING_TOKENS}).
 * The parser enforces the factory's read constraints (nesting depth, number length).
 */
final class TreeReader {
  private final JsonNodeFactory nodes;
  private final boolean stripZeros;

  TreeReader(JsonNodeFactory nodes) {
    this.nodes = nodes;
    this.stripZeros = nodes.willStripTrailingBigDecimalZeroes();
  }

  /** The whole document the parser reads; the caller closes the parser. */
  JsonNode read(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      return MissingNode.getInstance();
    }
    JsonNode root = value(p, first);
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      throw MismatchedInputException.from(p, JsonNode.class,
          "Trailing token (of type " + trailing + ") found after value (bound as `JsonNode`)");
    }
    return root;
  }

  /** The value that starts at the parser's current token; the parser is left on its last token. */
  JsonNode current(JsonParser p) throws IOException {
    return value(p, p.currentToken());
  }

  private JsonNode value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = nodes.objectNode();
        String name;
        while ((name = p.nextFieldName()) != null) {
          o.replace(name, value(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = nodes.arrayNode();
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
          a.add(value(p, next));
        }
        return a;
      }
      case VALUE_STRING -> {
        return nodes.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> nodes.numberNode(p.getIntValue());
          case LONG -> nodes.numberNode(p.getLongValue());
          default -> nodes.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        if (p.isNaN()) {
          return nodes.numberNode(p.getDoubleValue());
        }
        BigDecimal d = p.getDecimalValue();
        if (stripZeros) {
          try {
            d = d.stripTrailingZeros();
          } catch (ArithmeticException ignored) {
            // a scale stripTrailingZeros cannot represent: kept as read, as databind does
          }
        }
        return nodes.numberNode(d);
      }
      case VALUE_TRUE -> {
        return nodes.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return nodes.booleanNode(false);
      }
      case VALUE_NULL -> {
        return nodes.nullNode();
      }
      default -> throw MismatchedInputException.from(p, JsonNode.class, "Unexpected token " + t);
    }
  }
}
