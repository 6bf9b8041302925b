package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.sluice.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Parses and validates chat trees with the official openai-java SDK's models. */
final class OpenAiSdk {
  private OpenAiSdk() {
  }

  static ChatCompletion completion(JsonNode completion) {
    return read(completion, ChatCompletion.class).validate();
  }

  static ChatCompletionChunk chunk(JsonNode chunk) {
    return read(chunk, ChatCompletionChunk.class).validate();
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return ObjectMappers.jsonMapper().readValue(Json.write(node), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
