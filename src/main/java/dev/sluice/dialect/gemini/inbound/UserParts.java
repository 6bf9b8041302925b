package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.at;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.requiredString;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Gemini's media parts as chat content parts:
 * <ul>
 *   <li>{@code inlineData {mimeType, data}}: {@code image/*} → {@code image_url} with the data URL
 *       {@code data:<mimeType>;base64,<data>}; {@code application/pdf} → a {@code file} part
 *       ({@code filename} {@code document.pdf}, {@code file_data} the data URL); {@code audio/wav} and
 *       {@code audio/mp3} ({@code audio/mpeg}) → {@code input_audio {data, format}}; {@code text/*} and
 *       {@code application/json} → a text part of the decoded UTF-8. Other types (video, other audio)
 *       are a 400 naming {@code mimeType}.</li>
 *   <li>{@code fileData {mimeType, fileUri}}: an image (or no {@code mimeType}) → {@code image_url}
 *       with the URI; any other type is a 400 (chat takes files only inline).</li>
 * </ul>
 */
final class UserParts {
  private UserParts() {
  }

  static ObjectNode inlineData(JsonNode blob, String path) {
    String mime = requiredString(blob, "mimeType", path).toLowerCase(Locale.ROOT).trim();
    String data = requiredString(blob, "data", path);
    String dataUrl = "data:" + mime + ";base64," + data;
    ObjectNode part = Json.object();
    if (mime.startsWith("image/")) {
      part.put("type", "image_url").putObject("image_url").put("url", dataUrl);
    } else if (mime.equals("application/pdf")) {
      part.put("type", "file").putObject("file").put("filename", "document.pdf").put("file_data", dataUrl);
    } else if (mime.equals("audio/wav") || mime.equals("audio/x-wav") || mime.equals("audio/wave")) {
      part.put("type", "input_audio").putObject("input_audio").put("data", data).put("format", "wav");
    } else if (mime.equals("audio/mp3") || mime.equals("audio/mpeg")) {
      part.put("type", "input_audio").putObject("input_audio").put("data", data).put("format", "mp3");
    } else if (mime.startsWith("text/") || mime.equals("application/json")) {
      part.put("type", "text").put("text", decode(data, at(path, blob, "data")));
    } else {
      throw invalid(at(path, blob, "mimeType"), "inline data of type " + mime + " is not supported for this model;"
          + " send images, application/pdf, audio/wav, audio/mp3 or text");
    }
    return part;
  }

  static ObjectNode fileData(JsonNode file, String path) {
    String uri = requiredString(file, "fileUri", path);
    String mime = string(file, "mimeType", path);
    if (mime != null && !mime.isEmpty() && !mime.toLowerCase(Locale.ROOT).startsWith("image/")) {
      throw invalid(at(path, file, "mimeType"), "file data of type " + mime + " is not supported for this model;"
          + " only images can be sent by URI (send other files as inlineData)");
    }
    ObjectNode part = Json.object().put("type", "image_url");
    part.putObject("image_url").put("url", uri);
    return part;
  }

  private static String decode(String base64, String path) {
    try {
      byte[] bytes = Base64.getMimeDecoder().decode(base64);
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw invalid(path, "data must be base64 of UTF-8 text for a text mime type");
    }
  }
}
