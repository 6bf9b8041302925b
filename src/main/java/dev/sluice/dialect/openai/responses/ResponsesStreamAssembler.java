package dev.sluice.dialect.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the final Responses {@code response} object from a Responses SSE event sequence, for a
 * client that asked for JSON while the backend only streams. One instance per stream; not
 * thread-safe.
 *
 * <p>The result is the {@code response} of {@code response.completed} (or {@code response.incomplete});
 * when its {@code output} is missing or empty, it is filled from the {@code response.output_item.done}
 * items, or for items that never finished, from their {@code added} form plus the accumulated text,
 * refusal and argument deltas. {@code response.failed} and {@code error} events throw a
 * {@link GatewayException} (see {@link ResponsesErrors#fromEvent}). {@code codex.rate_limits} events are
 * kept for {@link #lastRateLimits()}.
 */
public final class ResponsesStreamAssembler {
  private final List<Slot> slots = new ArrayList<>(4);
  private ObjectNode result;
  private JsonNode rateLimits;
  private ApiError failure;

  /**
   * Feeds one event (the parsed {@code data} of one SSE event).
   *
   * @throws GatewayException with the upstream error on {@code response.failed} or {@code error}
   */
  public void onEvent(JsonNode event) {
    if (result != null || failure != null) {
      return;
    }
    String type = event.path("type").asText("");
    switch (type) {
      case "response.output_item.added" -> slot(event).added = event.get("item");
      case "response.output_item.done" -> slot(event).done = event.get("item");
      case "response.content_part.added" -> {
        JsonNode part = event.get("part");
        if (part != null && part.isObject()) {
          slot(event).part(event.path("content_index").asInt(0)).part = part;
        }
      }
      case "response.output_text.delta", "response.refusal.delta" ->
          slot(event).part(event.path("content_index").asInt(0)).append(event.path("delta").asText(""),
              type.equals("response.refusal.delta"));
      case "response.function_call_arguments.delta" -> {
        Slot s = slot(event);
        if (s.args == null) {
          s.args = new StringBuilder();
        }
        s.args.append(event.path("delta").asText(""));
      }
      case "response.completed", "response.incomplete" -> finish(event.get("response"));
      case "response.failed", "error" -> {
        failure = ResponsesErrors.fromEvent(event);
        throw failure.exception();
      }
      case "codex.rate_limits" -> rateLimits = event;
      default -> {
      }
    }
  }

  /** True once {@code response.completed} or {@code response.incomplete} arrived. */
  public boolean finished() {
    return result != null;
  }

  /**
   * The final response object.
   *
   * @throws GatewayException the upstream failure, or {@link ResponsesErrors#prematureEnd()} if the
   *     stream has not finished
   */
  public ObjectNode response() {
    if (failure != null) {
      throw failure.exception();
    }
    if (result == null) {
      throw ResponsesErrors.prematureEnd().exception();
    }
    return result;
  }

  /** The last {@code codex.rate_limits} event seen, whole. */
  public Optional<JsonNode> lastRateLimits() {
    return Optional.ofNullable(rateLimits);
  }

  private void finish(JsonNode response) {
    ObjectNode r = Json.object();
    if (response != null && response.isObject()) {
      r.setAll((ObjectNode) response);
    }
    JsonNode output = r.get("output");
    if (output == null || !output.isArray() || output.isEmpty()) {
      ArrayNode filled = r.putArray("output");
      for (Slot s : slots) {
        JsonNode item = s.build();
        if (item != null) {
          filled.add(item);
        }
      }
    }
    result = r;
  }

  private Slot slot(JsonNode event) {
    JsonNode idx = event.get("output_index");
    int i;
    if (idx != null && idx.canConvertToInt() && idx.asInt() >= 0 && idx.asInt() < 4096) {
      i = idx.asInt();
    } else {
      String itemId = event.path("item_id").asText(event.path("item").path("id").asText(null));
      for (int k = 0; k < slots.size(); k++) {
        if (itemId != null && itemId.equals(slots.get(k).id())) {
          return slots.get(k);
        }
      }
      i = slots.size();
    }
    while (slots.size() <= i) {
      slots.add(new Slot());
    }
    return slots.get(i);
  }

  private static final class Slot {
    JsonNode added;
    JsonNode done;
    List<Part> parts;
    StringBuilder args;

    String id() {
      JsonNode item = done != null ? done : added;
      return item == null ? null : item.path("id").asText(null);
    }

    Part part(int index) {
      if (parts == null) {
        parts = new ArrayList<>(1);
      }
      int i = Math.max(0, Math.min(index, 255));
      while (parts.size() <= i) {
        parts.add(new Part());
      }
      return parts.get(i);
    }

    JsonNode build() {
      if (done != null) {
        return done;
      }
      if (added == null || !added.isObject()) {
        return null;
      }
      ObjectNode item = ((ObjectNode) added).deepCopy();
      String type = item.path("type").asText("");
      if (type.equals("function_call") && args != null) {
        item.put("arguments", args.toString());
      } else if (type.equals("message") && parts != null) {
        ArrayNode content = item.putArray("content");
        for (Part p : parts) {
          content.add(p.build());
        }
      }
      return item;
    }
  }

  private static final class Part {
    JsonNode part;
    StringBuilder text;
    boolean refusal;

    void append(String delta, boolean isRefusal) {
      if (text == null) {
        text = new StringBuilder(delta.length() + 16);
      }
      refusal = isRefusal;
      text.append(delta);
    }

    ObjectNode build() {
      ObjectNode p = part != null ? ((ObjectNode) part).deepCopy() : Json.object();
      boolean isRefusal = part != null ? "refusal".equals(part.path("type").asText()) : refusal;
      if (!p.has("type")) {
        p.put("type", isRefusal ? "refusal" : "output_text");
      }
      String value = text == null ? "" : text.toString();
      if (isRefusal) {
        p.put("refusal", value);
      } else {
        p.put("text", value);
        if (!p.has("annotations")) {
          p.putArray("annotations");
        }
      }
      return p;
    }
  }
}
