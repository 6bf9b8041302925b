package dev.sluice.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.json.JsonFields;

/**
 * Chat content → Messages content blocks: a string or {@code text} parts → {@code text} blocks
 * (a part's {@code cache_control} kept, empty texts dropped: the API refuses them);
 * {@code image_url} with a {@code data:} URL → {@code image} with a {@code base64} source, with an
 * http(s) URL → {@code image} with a {@code url} source; {@code file} whose {@code file_data} is a
 * PDF data URL → {@code document} with a {@code base64} source. Anything else is a 400.
 */
final class UserBlocks {
  static final String PDF = "application/pdf";

  private UserBlocks() {
  }

  /** Blocks of a user (or, with {@code textOnly}, system/tool) message's content. */
  static ArrayNode of(JsonNode content, String path, boolean textOnly) {
    ArrayNode blocks = Json.MAPPER.createArrayNode();
    if (content == null || content.isNull()) {
      return blocks;
    }
    if (content.isTextual()) {
      addText(blocks, content.asText(), null);
      return blocks;
    }
    if (!content.isArray()) {
      throw BadRequest.at(path, "content must be a string or an array of parts");
    }
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String partPath = path + "[" + j + "]";
      String type = part.path("type").asText("");
      if (type.equals("text")) {
        JsonNode text = part.get("text");
        if (text == null || !text.isTextual()) {
          throw BadRequest.at(partPath + ".text", "a text part needs a string 'text'");
        }
        addText(blocks, text.asText(), JsonFields.present(part, "cache_control"));
      } else if (textOnly) {
        throw BadRequest.at(partPath, "only text parts are allowed here");
      } else {
        blocks.add(media(part, partPath, type));
      }
    }
    return blocks;
  }

  private static void addText(ArrayNode blocks, String text, JsonNode cacheControl) {
    if (text.isEmpty()) {
      return;
    }
    ObjectNode block = blocks.addObject().put("type", "text").put("text", text);
    if (cacheControl != null) {
      block.set("cache_control", cacheControl);
    }
  }

  private static ObjectNode media(JsonNode part, String path, String type) {
    switch (type) {
      case "image_url" -> {
        JsonNode image = part.get("image_url");
        JsonNode urlNode = image == null ? null : image.isTextual() ? image : image.get("url");
        if (urlNode == null || !urlNode.isTextual() || urlNode.asText().isEmpty()) {
          throw BadRequest.at(path + ".image_url.url", "an image_url part needs image_url.url");
        }
        String url = urlNode.asText();
        ObjectNode block = Json.object().put("type", "image");
        if (url.startsWith("data:")) {
          block.set("source", base64(url, path + ".image_url.url", null));
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
          block.putObject("source").put("type", "url").put("url", url);
        } else {
          throw BadRequest.at(path + ".image_url.url", "image_url.url must be a data: or http(s) URL");
        }
        return block;
      }
      case "file" -> {
        JsonNode file = part.path("file");
        if (JsonFields.present(file, "file_id") != null) {
          throw BadRequest.at(path + ".file.file_id",
              "file_id is not supported by this upstream; send the file inline as file.file_data");
        }
        String data = JsonFields.text(file, "file_data");
        if (data == null || !data.startsWith("data:")) {
          throw BadRequest.at(path + ".file.file_data", "a file part needs file.file_data as a data: URL");
        }
        ObjectNode block = Json.object().put("type", "document");
        block.set("source", base64(data, path + ".file.file_data", PDF));
        return block;
      }
      case "input_audio" -> throw BadRequest.at(path + ".input_audio", "input_audio content is not supported by this upstream");
      default -> throw BadRequest.at(path + ".type", "unsupported content part type '" + type
          + "'; expected text, image_url or file");
    }
  }

  /** A {@code base64} source from {@code data:<media type>;base64,<data>}; {@code only} restricts the type. */
  private static ObjectNode base64(String dataUrl, String path, String only) {
    int comma = dataUrl.indexOf(',');
    String header = comma < 0 ? "" : dataUrl.substring("data:".length(), comma);
    if (!header.endsWith(";base64") || comma == dataUrl.length() - 1) {
      throw BadRequest.at(path, "expected a data:<media type>;base64,<data> URL");
    }
    String mediaType = header.substring(0, header.length() - ";base64".length());
    if (mediaType.isEmpty() || (only != null && !only.equals(mediaType))) {
      throw BadRequest.at(path, only != null ? "only " + only + " files are supported by this upstream"
          : "the data URL needs a media type");
    }
    return Json.object().put("type", "base64").put("media_type", mediaType)
        .put("data", dataUrl.substring(comma + 1));
  }
}
