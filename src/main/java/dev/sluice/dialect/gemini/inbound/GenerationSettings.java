package dev.sluice.dialect.gemini.inbound;

import static dev.sluice.dialect.gemini.inbound.GeminiFields.array;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.at;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.bool;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.field;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.integer;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.invalid;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.number;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.object;
import static dev.sluice.dialect.gemini.inbound.GeminiFields.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Gemini's {@code generationConfig} as chat settings: {@code maxOutputTokens} → {@code max_tokens},
 * {@code stopSequences} (at most {@value #STOP_MAX}) → {@code stop}, {@code temperature} (0–2),
 * {@code topP} (0–1) → {@code top_p}, {@code seed}, {@code presencePenalty} /
 * {@code frequencyPenalty} (−2–2) → the penalties ({@code candidateCount} must be 1: the gateway answers one choice, as for chat's
 * {@code n}); {@code responseMimeType: application/json} → {@code response_format: json_object},
 * with {@code responseSchema} (through {@link GeminiSchema}) or {@code responseJsonSchema}
 * (unchanged) → {@code json_schema {name: "response", schema}};
 * {@code thinkingConfig} → {@code reasoning_effort}: {@code thinkingLevel} MINIMAL / LOW / MEDIUM /
 * HIGH → the same effort in lowercase, else {@code thinkingBudget} 0 → {@code minimal}, 1–2048 →
 * {@code low}, ≤ 8192 → {@code medium}, more → {@code high}, −1 (dynamic) → none given.
 * {@code topK}, {@code responseLogprobs}, {@code logprobs}, {@code mediaResolution},
 * {@code speechConfig}, {@code imageConfig} and unknown fields are dropped (their types still checked
 * where chat has none); {@code responseModalities} other than TEXT and response MIME types other
 * than {@code text/plain} and {@code application/json} are a 400. Numbers may be numeric strings.
 */
final class GenerationSettings {
  /** Chat completions' limit (Gemini's is 5). */
  static final int STOP_MAX = 4;

  private GenerationSettings() {
  }

  static void apply(JsonNode request, ObjectNode out) {
    JsonNode config = object(request, "generationConfig", "");
    if (config == null) {
      return;
    }
    String path = at("", request, "generationConfig");
    JsonNode maxTokens = integer(config, "maxOutputTokens", path);
    if (maxTokens != null) {
      if (maxTokens.asLong() < 1) {
        throw invalid(at(path, config, "maxOutputTokens"), "maxOutputTokens must be a positive integer");
      }
      out.set("max_tokens", maxTokens);
    }
    stop(config, path, out);
    set(out, "temperature", range(config, "temperature", path, 0, 2));
    set(out, "top_p", range(config, "topP", path, 0, 1));
    number(config, "topK", path);
    set(out, "seed", integer(config, "seed", path));
    set(out, "presence_penalty", range(config, "presencePenalty", path, -2, 2));
    set(out, "frequency_penalty", range(config, "frequencyPenalty", path, -2, 2));
    JsonNode n = integer(config, "candidateCount", path);
    if (n != null && n.asLong() != 1) {
      throw invalid(at(path, config, "candidateCount"), "this gateway returns a single candidate per request, so"
          + " candidateCount must be 1, got " + n);
    }
    bool(config, "responseLogprobs", path);
    integer(config, "logprobs", path);
    modalities(config, path);
    responseFormat(config, path, out);
    String effort = effort(config, path);
    if (effort != null) {
      out.put("reasoning_effort", effort);
    }
  }

  /** A number within [lo, hi] (Gemini's ranges, which chat shares); a 400 outside. */
  private static JsonNode range(JsonNode config, String field, String path, int lo, int hi) {
    JsonNode v = number(config, field, path);
    if (v != null && (v.doubleValue() < lo || v.doubleValue() > hi)) {
      throw invalid(at(path, config, field), field + " must be between " + lo + " and " + hi + ", got " + v);
    }
    return v;
  }

  private static void set(ObjectNode out, String name, JsonNode value) {
    if (value != null) {
      out.set(name, value);
    }
  }

  private static void stop(JsonNode config, String path, ObjectNode out) {
    JsonNode stop = array(config, "stopSequences", path);
    if (stop == null) {
      return;
    }
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isTextual()) {
        throw invalid(at(path, config, "stopSequences") + "[" + i + "]", "each stop sequence must be a string");
      }
    }
    if (stop.size() > STOP_MAX) {
      throw invalid(at(path, config, "stopSequences"), "at most " + STOP_MAX + " stop sequences for this model"
          + " (chat completions' limit), got " + stop.size());
    }
    if (!stop.isEmpty()) {
      out.set("stop", stop);
    }
  }

  private static void modalities(JsonNode config, String path) {
    JsonNode modalities = array(config, "responseModalities", path);
    if (modalities == null) {
      return;
    }
    for (int i = 0; i < modalities.size(); i++) {
      if (!modalities.get(i).asText("").equalsIgnoreCase("TEXT")) {
        throw invalid(at(path, config, "responseModalities") + "[" + i + "]", "only the TEXT response modality is"
            + " available for this model, got " + modalities.get(i));
      }
    }
  }

  private static void responseFormat(JsonNode config, String path, ObjectNode out) {
    String mime = string(config, "responseMimeType", path);
    JsonNode schema = field(config, "responseSchema");
    JsonNode jsonSchema = field(config, "responseJsonSchema");
    boolean json = false;
    if (mime != null && !mime.isEmpty()) {
      switch (mime.toLowerCase(Locale.ROOT)) {
        case "application/json" -> json = true;
        case "text/plain" -> {
        }
        default -> throw invalid(at(path, config, "responseMimeType"), "responseMimeType must be text/plain or"
            + " application/json for this model, got '" + mime + "'");
      }
    }
    if (schema != null && jsonSchema != null) {
      throw invalid(at(path, config, "responseJsonSchema"), "give responseSchema or responseJsonSchema, not both");
    }
    ObjectNode converted = null;
    if (schema != null) {
      converted = GeminiSchema.toJsonSchema(schema, at(path, config, "responseSchema"));
    } else if (jsonSchema != null) {
      if (!jsonSchema.isObject()) {
        throw invalid(at(path, config, "responseJsonSchema"), "responseJsonSchema must be a JSON Schema object");
      }
      converted = (ObjectNode) jsonSchema;
    }
    if (converted != null) {
      ObjectNode format = out.putObject("response_format").put("type", "json_schema");
      format.putObject("json_schema").put("name", "response").set("schema", converted);
    } else if (json) {
      out.putObject("response_format").put("type", "json_object");
    }
  }

  private static String effort(JsonNode config, String path) {
    JsonNode thinking = object(config, "thinkingConfig", path);
    if (thinking == null) {
      return null;
    }
    String at = at(path, config, "thinkingConfig");
    bool(thinking, "includeThoughts", at);
    String level = string(thinking, "thinkingLevel", at);
    JsonNode budget = integer(thinking, "thinkingBudget", at);
    if (level != null && !level.isEmpty()) {
      return switch (level.toUpperCase(Locale.ROOT)) {
        case "MINIMAL" -> "minimal";
        case "LOW" -> "low";
        case "MEDIUM" -> "medium";
        case "HIGH" -> "high";
        case "THINKING_LEVEL_UNSPECIFIED" -> null;
        default -> throw invalid(at(at, thinking, "thinkingLevel"), "thinkingLevel must be MINIMAL, LOW, MEDIUM or"
            + " HIGH, got '" + level + "'");
      };
    }
    if (budget == null) {
      return null;
    }
    long b = budget.asLong();
    if (b < -1) {
      throw invalid(at(at, thinking, "thinkingBudget"), "thinkingBudget must be -1 (dynamic), 0 (off) or a positive"
          + " number of tokens");
    }
    return b == -1 ? null : b == 0 ? "minimal" : b <= 2048 ? "low" : b <= 8192 ? "medium" : "high";
  }

  /** Whether the request asks for thoughts in the answer ({@code thinkingConfig.includeThoughts}). */
  static boolean includeThoughts(JsonNode request) {
    JsonNode thinking = field(field(request, "generationConfig"), "thinkingConfig");
    JsonNode include = field(thinking, "includeThoughts");
    return include != null && include.asBoolean(false);
  }
}
