package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.array;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.at;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.field;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.util.Locale;

/**
 * Translates a Gemini {@code generateContent} / {@code streamGenerateContent} request body into a Chat
 * Completions request. Stateless and thread-safe; the result may share read-only leaves (schemas, tool
 * arguments) with the input, which is left unchanged. Field names are read in lowerCamelCase or
 * snake_case, as Google's REST API accepts both.
 *
 * <p>Mapping:
 * <ul>
 *   <li>{@code model}: the path's model (a {@code models/} prefix removed); a body {@code model} is ignored.</li>
 *   <li>{@code systemInstruction} (a Content, or a plain string) → a leading {@code system} message, its
 *       text parts joined by a newline.</li>
 *   <li>{@code contents[]} → messages by {@link Turns}: {@code role} {@code user} (or absent, or the
 *       legacy {@code function}) → user and tool messages, {@code model} → assistant messages.</li>
 *   <li>{@code tools} and {@code toolConfig} by {@link GeminiTools}; {@code generationConfig} by
 *       {@link GenerationSettings}.</li>
 *   <li>{@code stream} (the endpoint, not the body) → {@code stream: true} and
 *       {@code stream_options.include_usage: true}.</li>
 *   <li>{@code cachedContent} names a cache on Google's side: a 400. {@code safetySettings},
 *       {@code labels} and unknown fields are dropped.</li>
 * </ul>
 * Off-spec input is a 400 {@link dev.sluice.error.ApiError#invalidParam} naming the field, as the
 * client spelled it ({@code contents[2].parts[0].functionResponse}, {@code generationConfig.temperature}).
 */
public final class GenerateContentToChat {
  private static final String MODELS_PREFIX = "models/";

  private GenerateContentToChat() {
  }

  /**
   * Translates one request for the model named in the path.
   *
   * @param geminiRequest the client's body
   * @param model the model of the path ({@code gemini-2.5-pro} or {@code models/gemini-2.5-pro})
   * @param stream whether the client called {@code :streamGenerateContent}
   * @throws GatewayException a 400 naming the offending field
   */
  public static ObjectNode translate(ObjectNode geminiRequest, String model, boolean stream) {
    String id = modelId(model);
    if (id == null || id.isBlank()) {
      throw invalid("model", "the model name is required (models/{model}:generateContent)");
    }
    if (field(geminiRequest, "cachedContent") != null) {
      throw invalid(at("", geminiRequest, "cachedContent"), "cached content lives on Google's side and is not"
          + " available for this model; send the contents instead");
    }
    ObjectNode out = Json.object();
    out.put("model", id);
    ArrayNode messages = Json.MAPPER.createArrayNode();
    system(geminiRequest, messages);
    int system = messages.size();
    new Turns(messages).translate(geminiRequest);
    if (messages.size() == system) {
      throw invalid(at("", geminiRequest, "contents"), "contents hold nothing to send (thoughts and empty parts only)");
    }
    out.set("messages", messages);
    GeminiTools.apply(geminiRequest, out);
    GenerationSettings.apply(geminiRequest, out);
    if (stream) {
      out.put("stream", true);
      out.putObject("stream_options").put("include_usage", true);
    }
    return out;
  }

  /**
   * The checks a request gets whatever serves it, before any upstream is chosen: {@code contents} a
   * non-empty array of contents with non-empty {@code parts} (Gemini refuses the same). A request a
   * Gemini upstream serves gets only these; {@link #translate} the rest, when a target needs chat.
   *
   * @throws GatewayException a 400 naming the offending field
   */
  public static void checkShape(ObjectNode geminiRequest) {
    Turns.checkShape(geminiRequest);
  }

  /** The model id of a path model: {@code models/gemini-2.5-pro} → {@code gemini-2.5-pro}. */
  public static String modelId(String pathModel) {
    if (pathModel == null) {
      return null;
    }
    return pathModel.startsWith(MODELS_PREFIX) ? pathModel.substring(MODELS_PREFIX.length()) : pathModel;
  }

  /**
   * Whether the client asked for thoughts ({@code generationConfig.thinkingConfig.includeThoughts}):
   * the answer translators then return reasoning as {@code thought: true} parts.
   */
  public static boolean includeThoughts(JsonNode geminiRequest) {
    return GenerationSettings.includeThoughts(geminiRequest);
  }

  private static void system(JsonNode request, ArrayNode messages) {
    JsonNode system = field(request, "systemInstruction");
    if (system == null) {
      return;
    }
    String path = at("", request, "systemInstruction");
    String text;
    if (system.isTextual()) {
      text = system.asText();
    } else if (system.isObject()) {
      text = systemText(system, path);
    } else {
      throw invalid(path, "systemInstruction must be a Content object {parts: [{text}]}");
    }
    if (!text.isEmpty()) {
      messages.addObject().put("role", "system").put("content", text);
    }
  }

  private static String systemText(JsonNode system, String path) {
    JsonNode parts = array(system, "parts", path);
    StringBuilder sb = new StringBuilder();
    if (parts == null) {
      return "";
    }
    String partsPath = at(path, system, "parts");
    for (int j = 0; j < parts.size(); j++) {
      String partPath = partsPath + "[" + j + "]";
      JsonNode part = parts.get(j);
      String text = part.isObject() ? string(part, "text", partPath) : null;
      if (text == null) {
        throw invalid(partPath, "system instruction parts must be text parts");
      }
      if (Boolean.TRUE.equals(GeminiFields.bool(part, "thought", partPath)) || text.isEmpty()) {
        continue;
      }
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(text);
    }
    return sb.toString();
  }

  /** The lowercase role of a content, {@code user} when absent. */
  static String role(JsonNode content, String path) {
    String role = string(content, "role", path);
    return role == null || role.isEmpty() ? "user" : role.toLowerCase(Locale.ROOT);
  }
}
