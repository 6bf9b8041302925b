package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.field;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.json.Json;

/**
 * Counts the tokens of a {@code POST models/{model}:countTokens} body locally, returning
 * {@code {"totalTokens": n}}. The body is {@code {contents}} or {@code {generateContentRequest:
 * {model, contents, systemInstruction, tools, ...}}} (fields in camelCase or snake_case); one of the
 * two must be there, else a 400 naming {@code contents}. Thread-safe.
 *
 * <p>Every text the model would see is counted with o200k_base (jtokkit, as the gateway's usage
 * estimates; special-token strings count as ordinary text):
 * {@code systemInstruction} and content {@code text} parts (thoughts included),
 * {@code functionCall} name and compact JSON of {@code args}, {@code functionResponse} name and
 * compact JSON of {@code response}, and per function declaration its compact JSON. Each
 * {@code inlineData} or {@code fileData} part counts {@value #PER_MEDIA} tokens (Gemini's cost of
 * one image up to 384 px; larger images and other media cost more on Google's side). o200k_base is
 * not Gemini's tokenizer: the count is an estimate for Gemini models, exact for o200k ones.
 */
public final class GeminiCountTokens {
  static final int PER_MEDIA = 258;
  private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private GeminiCountTokens() {
  }

  public static ObjectNode count(ObjectNode request) {
    return Json.object().put("totalTokens", tokens(request));
  }

  /** The token count of a countTokens (or generateContent) body. */
  public static long tokens(JsonNode request) {
    JsonNode wrapped = field(request, "generateContentRequest");
    JsonNode body = wrapped != null && wrapped.isObject() ? wrapped : request;
    JsonNode contents = field(body, "contents");
    if (contents == null && wrapped == null) {
      throw invalid("contents", "contents (or generateContentRequest) is required");
    }
    if (contents != null && !contents.isArray()) {
      throw invalid("contents", "contents must be an array");
    }
    long n = 0;
    JsonNode system = field(body, "systemInstruction");
    if (system != null) {
      n += system.isTextual() ? textTokens(system.asText()) : parts(field(system, "parts"));
    }
    if (contents != null) {
      for (JsonNode content : contents) {
        n += parts(field(content, "parts"));
      }
    }
    JsonNode tools = field(body, "tools");
    if (tools != null) {
      for (JsonNode tool : tools) {
        JsonNode declarations = field(tool, "functionDeclarations");
        if (declarations != null) {
          for (JsonNode d : declarations) {
            n += textTokens(Json.write(d));
          }
        }
      }
    }
    return n;
  }

  private static long parts(JsonNode parts) {
    long n = 0;
    if (parts == null) {
      return 0;
    }
    for (JsonNode part : parts) {
      JsonNode text = field(part, "text");
      JsonNode call = field(part, "functionCall");
      JsonNode response = field(part, "functionResponse");
      if (text != null) {
        n += textTokens(text.asText(""));
      } else if (call != null) {
        n += textTokens(call.path("name").asText("")) + textTokens(Json.write(
            call.path("args").isObject() ? call.get("args") : Json.object()));
      } else if (response != null) {
        n += textTokens(response.path("name").asText("")) + textTokens(Json.write(
            response.path("response").isObject() ? response.get("response") : Json.object()));
      } else if (field(part, "inlineData") != null || field(part, "fileData") != null) {
        n += PER_MEDIA;
      }
    }
    return n;
  }

  /** Tokens of one text with o200k_base. */
  static long textTokens(String text) {
    return text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
  }
}
