package dev.sluice.dialect.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.json.JsonFields;
import java.util.Locale;
import java.util.Map;

/**
 * Chat content → Gemini parts: a string or {@code text} parts → {@code {text}} (empty texts dropped:
 * Gemini refuses them); {@code image_url} with a {@code data:} URL → {@code inlineData {mimeType,
 * data}}, with an http(s) URL → {@code fileData {mimeType, fileUri}} (the type guessed from the
 * extension, else left out); {@code file} with {@code file_data} (a data URL) → {@code inlineData};
 * {@code input_audio {data, format}} → {@code inlineData} of {@code audio/<format>}. Anything else is a
 * 400 naming the part.
 */
final class Parts {
  private static final Map<String, String> BY_EXTENSION = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
      "image/jpeg", "webp", "image/webp", "gif", "image/gif", "heic", "image/heic", "heif", "image/heif", "pdf",
      "application/pdf");

  private Parts() {
  }

  /** Parts of a user (or, with {@code textOnly}, system/assistant/tool) message's content. */
  static ArrayNode of(JsonNode content, String path, boolean textOnly) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    if (content == null || content.isNull()) {
      return parts;
    }
    if (content.isTextual()) {
      addText(parts, content.asText());
      return parts;
    }
    if (!content.isArray()) {
      throw BadRequest.at(path, "content must be a string or an array of parts");
    }
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String partPath = path + "[" + j + "]";
      String type = part.path("type").asText("");
      if (type.equals("text") || (textOnly && type.equals("refusal"))) {
        JsonNode text = part.get(type);
        if (text == null || !text.isTextual()) {
          throw BadRequest.at(partPath + "." + type, "a " + type + " part needs a string '" + type + "'");
        }
        addText(parts, text.asText());
      } else if (textOnly) {
        throw BadRequest.at(partPath, "only text parts are allowed here");
      } else {
        parts.add(media(part, partPath, type));
      }
    }
    return parts;
  }

  /** The text of text-only content, parts joined by a newline. */
  static String text(JsonNode content, String path) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode p : of(content, path, true)) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(p.path("text").asText());
    }
    return sb.toString();
  }

  private static void addText(ArrayNode parts, String text) {
    if (!text.isEmpty()) {
      parts.addObject().put("text", text);
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
        if (url.startsWith("data:")) {
          return inline(url, path + ".image_url.url");
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
          ObjectNode fileData = Json.object();
          String mime = guessMimeType(url);
          if (mime != null) {
            fileData.put("mimeType", mime);
          }
          fileData.put("fileUri", url);
          ObjectNode p = Json.object();
          p.set("fileData", fileData);
          return p;
        }
        throw BadRequest.at(path + ".image_url.url", "image_url.url must be a data: or http(s) URL");
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
        return inline(data, path + ".file.file_data");
      }
      case "input_audio" -> {
        JsonNode audio = part.path("input_audio");
        String data = JsonFields.text(audio, "data");
        String format = JsonFields.text(audio, "format");
        if (data == null) {
          throw BadRequest.at(path + ".input_audio.data", "an input_audio part needs input_audio.data (base64)");
        }
        if (format == null || !format.matches("[a-z0-9]+")) {
          throw BadRequest.at(path + ".input_audio.format", "an input_audio part needs input_audio.format (wav, mp3)");
        }
        ObjectNode p = Json.object();
        p.putObject("inlineData").put("mimeType", "audio/" + format).put("data", data);
        return p;
      }
      default -> throw BadRequest.at(path + ".type", "unsupported content part type '" + type
          + "'; expected text, image_url, input_audio or file");
    }
  }

  /** {@code inlineData} from {@code data:<media type>;base64,<data>}. */
  private static ObjectNode inline(String dataUrl, String path) {
    int comma = dataUrl.indexOf(',');
    String header = comma < 0 ? "" : dataUrl.substring("data:".length(), comma);
    if (!header.endsWith(";base64") || comma == dataUrl.length() - 1) {
      throw BadRequest.at(path, "expected a data:<media type>;base64,<data> URL");
    }
    String mediaType = header.substring(0, header.length() - ";base64".length());
    if (mediaType.isEmpty()) {
      throw BadRequest.at(path, "the data URL needs a media type");
    }
    ObjectNode p = Json.object();
    p.putObject("inlineData").put("mimeType", mediaType).put("data", dataUrl.substring(comma + 1));
    return p;
  }

  private static String guessMimeType(String url) {
    String path = url.replaceFirst("[?#].*$", "");
    int dot = path.lastIndexOf('.');
    return dot < 0 || dot < path.lastIndexOf('/') ? null : BY_EXTENSION.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
