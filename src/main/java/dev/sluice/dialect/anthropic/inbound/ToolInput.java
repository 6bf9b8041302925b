package dev.sluice.dialect.anthropic.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.Optional;

/**
 * A chat tool call's {@code arguments} string as an Anthropic {@code tool_use.input} object. Anthropic
 * clients require an object, so arguments that are empty, unparsable or not a JSON object become
 * {@code {}}; the raw text is dropped rather than smuggled into an extra key, which a tool's schema
 * might accept and execute. The stop reason is left alone (still {@code tool_use}).
 */
public final class ToolInput {
  private ToolInput() {
  }

  /** The arguments as an input object, {@code {}} when they are not one. */
  public static ObjectNode parse(String arguments) {
    return object(arguments).orElseGet(Json::object);
  }

  /** The arguments when they are a JSON object, else empty. */
  public static Optional<ObjectNode> object(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode n = Json.parse(arguments);
      return n.isObject() ? Optional.of((ObjectNode) n) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
