package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.field;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.usage.TokenEstimate;

/**
 * Counts the tokens of a {@code POST models/{model}:countTokens} body locally, returning
 * {@code {"totalTokens": n}}. The body is {@code {contents}} or {@code {generateContentRequest:
 * {model, contents, systemInstruction, tools, ...}}} (fields in camelCase or snake_case); one of the
 * two must be there, else a 400 naming {@code contents}. Thread-safe.
 *
 * <p>Every text the model would see is counted with {@link TokenEstimate#tokens} (o200k_base):
 * {@code systemInstruction} and content {@code text} parts (thoughts included),
 * {@code functionCall} name and compact JSON of {@code args}, {@code functionResponse} name and
 * compact JSON of {@code response}, and per function declaration its compact JSON. Each
 * {@code inlineData} or {@code fileData} part counts {@value #PER_MEDIA} tokens (Gemini's cost of
 * one image up to 384 px; larger images and other media cost more on Google's side). o200k_base is
 * not Gemini's tokenizer: the count is an estimate for Gemini models, exact for o200k ones.
 */
public final class GeminiCountTokens {
  static final int PER_MEDIA = 258;

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
      n += system.isTextual() ? TokenEstimate.tokens(system.asText()) : parts(field(system, "parts"));
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
            n += TokenEstimate.tokens(Json.write(d));
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
        n += TokenEstimate.tokens(text.asText(""));
      } else if (call != null) {
        n += TokenEstimate.tokens(call.path("name").asText("")) + TokenEstimate.tokens(Json.write(
            call.path("args").isObject() ? call.get("args") : Json.object()));
      } else if (response != null) {
        n += TokenEstimate.tokens(response.path("name").asText("")) + TokenEstimate.tokens(Json.write(
            response.path("response").isObject() ? response.get("response") : Json.object()));
      } else if (field(part, "inlineData") != null || field(part, "fileData") != null) {
        n += PER_MEDIA;
      }
    }
    return n;
  }
}
