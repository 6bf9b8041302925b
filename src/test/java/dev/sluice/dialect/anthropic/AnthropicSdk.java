package dev.sluice.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Checks Messages trees against the official anthropic-java SDK's models. */
final class AnthropicSdk {
  private AnthropicSdk() {
  }

  /**
   * A request body as the SDK models it, with no field it does not know. The SDK models
   * {@code 2026-10-21}, which has no sampling fields: for {@code 2023-06-01} they are checked here
   * (numbers in 0..1) and removed first. {@code stream} is a transport flag in the SDK.
   */
  static void validRequest(ObjectNode body, String apiVersion) {
    ObjectNode copy = body.deepCopy();
    copy.remove("stream");
    if (apiVersion.equals(ChatToMessagesRequest.VERSION_2023)) {
      for (String field : List.of("temperature", "top_p")) {
        JsonNode v = copy.remove(field);
        if (v != null) {
          assertThat(v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1).as(field).isTrue();
        }
      }
    }
    MessageCreateParams.Body parsed = read(copy, MessageCreateParams.Body.class);
    parsed.validate();
    assertThat(parsed._additionalProperties()).as("fields the SDK does not know").isEmpty();
  }

  static void validMessage(JsonNode message) {
    read(message, Message.class).validate();
  }

  static void validStreamEvent(JsonNode event) {
    read(event, RawMessageStreamEvent.class).validate();
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return ObjectMappers.jsonMapper().readValue(Json.write(node), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
