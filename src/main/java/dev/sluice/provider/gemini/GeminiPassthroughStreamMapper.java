package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dialect.gemini.GeminiErrors;
import dev.sluice.dialect.gemini.GeminiUsage;
import dev.sluice.provider.ChatUsage;
import dev.sluice.provider.StreamMapper;
import dev.sluice.sse.SseEvent;
import dev.sluice.sse.SseWriter;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * A Gemini stream to a Gemini client: every event passes as it came, as one {@code data: <json>} SSE
 * event (LF-framed; the data is not re-serialised). Each event is read for its {@code usageMetadata}
 * (cumulative: the last counts) and for output: once a part with text or a {@code functionCall} has
 * passed, the stream is {@link #committed()}. An {@code {"error":{...}}} event ends the stream as the
 * relay's error.
 */
final class GeminiPassthroughStreamMapper implements StreamMapper {
  private JsonNode usageMetadata;
  private boolean committed;

  @Override
  public void onEvent(SseEvent event, Consumer<Buffer> out) {
    JsonNode data = GeminiEvents.parse(event);
    if (data != null) {
      if (data.has("error") && !data.has("candidates")) {
        throw GeminiErrors.fromStreamEvent(data);
      }
      if (data.path("usageMetadata").isObject()) {
        usageMetadata = data.get("usageMetadata");
      }
      if (!committed) {
        for (JsonNode c : data.path("candidates")) {
          for (JsonNode p : c.path("content").path("parts")) {
            if (p.has("functionCall") || (p.path("text").isTextual() && !p.get("text").asText().isEmpty())) {
              committed = true;
            }
          }
        }
      }
    }
    out.accept(SseWriter.data(event.data()));
  }

  @Override
  public void onEnd(Consumer<Buffer> out) {
    // Gemini streams have no end event: the end of the upstream is the end
  }

  @Override
  public boolean committed() {
    return committed;
  }

  @Override
  public TokenUsage usage() {
    return ChatUsage.toRecord(GeminiUsage.from(usageMetadata));
  }
}
