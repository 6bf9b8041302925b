package dev.sluice.dialect.anthropic.inbound;

import static dev.sluice.dialect.anthropic.inbound.MessagesRequestToChat.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/**
 * An Anthropic image {@code source} as a chat {@code image_url} part: {@code {type: base64, media_type,
 * data}} → a {@code data:} URL, {@code {type: url, url}} → that URL. Any other source type (such as
 * {@code file}, which needs Anthropic's Files API), or a missing field, is a 400 naming it.
 */
final class ImageSource {
  private ImageSource() {
  }

  static ObjectNode imageUrlPart(JsonNode source, String path) {
    if (source == null || !source.isObject()) {
      throw MessagesRequestToChat.invalid(path, "an image needs a source object");
    }
    String type = source.path("type").asText("");
    String url = switch (type) {
      case "base64" -> "data:" + requiredText(source, "media_type", path) + ";base64," + requiredText(source, "data", path);
      case "url" -> requiredText(source, "url", path);
      default -> throw MessagesRequestToChat.invalid(path + ".type", "image source type '" + type + "' is not"
          + " supported for this model; expected base64 or url");
    };
    ObjectNode part = Json.object().put("type", "image_url");
    part.putObject("image_url").put("url", url);
    return part;
  }

}
