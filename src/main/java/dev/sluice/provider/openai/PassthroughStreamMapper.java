package dev.sluice.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.CacheUsageFields;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Copies an OpenAI-dialect stream event by event, reading usage on the way. When the gateway asked
 * the upstream for usage that the client did not ask for, the usage-only chunk is dropped and the
 * usage field removed, so the client sees the stream it asked for. Responses streams report usage
 * inside the final event's {@code response} object, which is passed on unchanged. Chat completion
 * chunks get seed 001's response fields ({@link CacheUsageFields}): the usage chunk the cache counts,
 * every chunk no {@code system_fingerprint}.
 */
final class PassthroughStreamMapper implements StreamMapper {
  private final boolean clientWantsUsage;
  private final boolean chatFields;
  private TokenUsage usage = TokenUsage.NONE;

  PassthroughStreamMapper(boolean clientWantsUsage) {
    this(clientWantsUsage, false);
  }

  /** @param chatFields whether the events are chat completion chunks, to get {@link CacheUsageFields} */
  PassthroughStreamMapper(boolean clientWantsUsage, boolean chatFields) {
    this.clientWantsUsage = clientWantsUsage;
    this.chatFields = chatFields;
  }

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    String data = event.data();
    if ("[DONE]".equals(data)) {
      out.accept(SseWriter.DONE);
      return;
    }
    if (!clientWantsUsage && data.contains("\"usage\"")) {
      String stripped = withoutNullUsage(data);
      if (stripped != data) {
        data = stripped;
        event = new SseEvent(event.event(), data, event.id());
      }
    }
    if (chatFields) {
      String stripped = CacheUsageFields.withoutFingerprint(data);
      if (stripped != data) {
        data = stripped;
        event = new SseEvent(event.event(), data, event.id());
      }
    }
    if (hasUsageObject(data) || data.startsWith("{\"error\"")) {
      JsonNode node;
      try {
        node = Json.parse(data);
      } catch (Exception e) {
        out.accept(SseWriter.encode(event));
        return;
      }
      throwIfError(node);
      JsonNode finished = node.path("response").path("usage");
      if (finished.isObject()) {
        // Responses API: response.completed (or .incomplete/.failed) carries the usage inside "response"
        usage = TokenUsage.fromOpenAi(finished);
      }
      JsonNode u = node.get("usage");
      if (u != null && u.isObject()) {
        usage = TokenUsage.fromOpenAi(u);
        if (!clientWantsUsage) {
          JsonNode choices = node.get("choices");
          if (choices != null && choices.isArray() && choices.isEmpty()) {
            return;
          }
          ((ObjectNode) node).remove("usage");
          out.accept(SseWriter.encode(new SseEvent(event.event(), Json.write(node), event.id())));
          return;
        }
        if (chatFields) {
          CacheUsageFields.fill((ObjectNode) u);
          out.accept(SseWriter.encode(new SseEvent(event.event(), Json.write(node), event.id())));
          return;
        }
      }
    }
    out.accept(SseWriter.encode(event));
  }

  /** An upstream error chunk ({@code {"error":{...}}} alone) ends the stream with that error. */
  static void throwIfError(JsonNode chunk) {
    JsonNode err = chunk.get("error");
    if (err != null && err.isObject() && chunk.size() == 1) {
      throw new GatewayException(ApiError.of(502, err.path("type").asText(ApiError.API),
          err.path("message").asText("upstream error"),
          err.path("code").isTextual() ? err.get("code").asText() : "upstream_error"));
    }
  }

  /** Whether the JSON text has a {@code "usage"} member whose value is an object (no parse needed). */
  static boolean hasUsageObject(String data) {
    int i = data.indexOf("\"usage\"");
    while (i >= 0) {
      int j = skipSpaces(data, i + 7);
      if (j < data.length() && data.charAt(j) == ':') {
        j = skipSpaces(data, j + 1);
        if (j < data.length() && data.charAt(j) == '{') {
          return true;
        }
      }
      i = data.indexOf("\"usage\"", i + 7);
    }
    return false;
  }

  /**
   * Removes {@code "usage":null} members, which an upstream sends in every chunk once usage was asked
   * for. A quote inside a JSON string is escaped, so the pattern cannot match string content.
   * Returns the same instance when there was nothing to remove.
   */
  static String withoutNullUsage(String data) {
    String out = data;
    for (String member : NULL_USAGE) {
      int i;
      while ((i = out.indexOf(member)) >= 0) {
        int end = i + member.length();
        int before = i - 1;
        while (before >= 0 && Character.isWhitespace(out.charAt(before))) {
          before--;
        }
        int after = skipSpaces(out, end);
        if (before >= 0 && out.charAt(before) == ',') {
          out = out.substring(0, before) + out.substring(end);
        } else if (after < out.length() && out.charAt(after) == ',') {
          out = out.substring(0, i) + out.substring(after + 1);
        } else {
          out = out.substring(0, i) + out.substring(end);
        }
      }
    }
    return out;
  }

  private static final String[] NULL_USAGE = {"\"usage\":null", "\"usage\": null"};

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    // An upstream that closes without [DONE] is passed on as it came.
  }

  @Override
  public TokenUsage usage() {
    return usage;
  }

}
