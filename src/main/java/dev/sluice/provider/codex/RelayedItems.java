package dev.sluice.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.time.Clock;
import java.time.Duration;

/**
 * The output items Sluice relayed to {@code /v1/responses} clients, by item id, for a while: the
 * backend runs with {@code store:false} and cannot resolve an {@code item_reference} (the AI SDK's
 * Responses tool loops send {@code {"type":"item_reference","id":"rs_..."}} on their second step), so
 * references are expanded here into the items they name before the request goes upstream.
 *
 * <p>Replayed items go without their {@code id}, as the Codex CLI sends them: without storage the
 * backend has nothing to look an id up in. Reasoning items carry their {@code encrypted_content}
 * ({@link CodexRequestRules} asks for it), which is what makes them replayable. Bounded in size and
 * age; thread-safe.
 */
final class RelayedItems {
  static final long MAX_ITEMS = 10_000;
  static final Duration TTL = Duration.ofHours(1);

  private final Cache<String, ObjectNode> items;

  RelayedItems(Clock clock) {
    this.items = Caffeine.newBuilder()
        .maximumSize(MAX_ITEMS)
        .expireAfterWrite(TTL)
        .ticker(() -> clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .build();
  }

  /** Remembers the item of a {@code response.output_item.done} event; other events are ignored. */
  void onEvent(JsonNode event) {
    if (!"response.output_item.done".equals(event.path("type").asText())) {
      return;
    }
    JsonNode item = event.get("item");
    if (item instanceof ObjectNode o && o.path("id").isTextual()) {
      ObjectNode replay = o.deepCopy();
      replay.remove("id");
      items.put(o.get("id").asText(), replay);
    }
  }

  /**
   * The request with every {@code item_reference} in its {@code input} replaced by the item it names
   * (the request itself when it has none).
   *
   * @throws dev.sluice.error.GatewayException 400 {@code invalid_request_error}, param
   *     {@code input[N].id}, when a referenced item is not (or no longer) known
   */
  ObjectNode expand(ObjectNode request) {
    JsonNode input = request.get("input");
    if (input == null || !input.isArray() || !hasReference(input)) {
      return request;
    }
    ArrayNode expanded = Json.MAPPER.createArrayNode();
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      expanded.add(isReference(item) ? resolve(item, i) : item);
    }
    ObjectNode out = Json.object();
    out.setAll(request);
    out.set("input", expanded);
    return out;
  }

  private ObjectNode resolve(JsonNode reference, int index) {
    String id = reference.path("id").asText("");
    ObjectNode item = items.getIfPresent(id);
    if (item == null) {
      throw ApiError.invalidParam("input[" + index + "].id", "Item with id '" + id + "' not found. The Codex "
          + "backend stores no items (store is false) and Sluice can only expand references to output items it "
          + "relayed in the last " + TTL.toMinutes() + " minutes; send the item itself instead of an item_reference.")
          .exception();
    }
    return item;
  }

  private static boolean hasReference(JsonNode input) {
    for (JsonNode item : input) {
      if (isReference(item)) {
        return true;
      }
    }
    return false;
  }

  /** {@code {"type":"item_reference","id":...}}, or {@code {"id":...}} alone (the type is optional). */
  static boolean isReference(JsonNode item) {
    if (!item.isObject()) {
      return false;
    }
    JsonNode type = item.get("type");
    return type == null ? item.size() == 1 && item.has("id") : "item_reference".equals(type.asText());
  }
}
