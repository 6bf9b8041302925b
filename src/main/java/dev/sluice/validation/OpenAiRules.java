package dev.sluice.validation;

import static dev.sluice.validation.JsonType.ARRAY;
import static dev.sluice.validation.JsonType.BOOLEAN;
import static dev.sluice.validation.JsonType.INTEGER;
import static dev.sluice.validation.JsonType.NUMBER;
import static dev.sluice.validation.JsonType.OBJECT;
import static dev.sluice.validation.JsonType.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Endpoint;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;

/**
 * The rule trees for each endpoint, authored against openai-python {@value #SDK_VERSION}
 * ({@code src/main/resources/spec/openai-python-1.109.1/}). Field order here is validation order.
 */
final class OpenAiRules {
  static final String SDK = "openai-python";
  static final String SDK_VERSION = "1.109.1";
  static final int STOP_MAX = 4;
  static final int IMAGE_PROMPT_MAX = 4000;
  static final int IMAGE_N_MAX = 4;
  static final int NAME_MAX = 64;

  private OpenAiRules() {
  }

  static Map<Endpoint, Shape> roots() {
    Map<Endpoint, Shape> m = new EnumMap<>(Endpoint.class);
    m.put(Endpoint.CHAT_COMPLETIONS, chat());
    m.put(Endpoint.COMPLETIONS, completions());
    m.put(Endpoint.EMBEDDINGS, embeddings());
    m.put(Endpoint.IMAGES_GENERATIONS, images());
    m.put(Endpoint.RESPONSES, Shape.fields().passThrough("background", "conversation", "include", "input",
        "instructions", "max_output_tokens", "max_tool_calls", "metadata", "model", "parallel_tool_calls",
        "previous_response_id", "prompt", "prompt_cache_key", "reasoning", "safety_identifier", "service_tier",
        "store", "stream", "stream_options", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p",
        "truncation", "user"));
    return m;
  }

  // ---- chat completions ---------------------------------------------------------------------

  static Shape chat() {
    return Shape.fields()
        .field("model", Rule.of("model", STRING).required())
        .field("messages", Rule.array("messages", Rule.object("message-roles", messages())).required()
            .check("at least 1 message", OpenAiRules::nonEmptyMessages))
        .field("temperature", range("temperature", 0, 2))
        .field("top_p", range("top_p", 0, 1))
        .field("frequency_penalty", range("penalties", -2, 2))
        .field("presence_penalty", range("penalties", -2, 2))
        .field("max_tokens", atLeastOne("max_tokens"))
        .field("max_completion_tokens", atLeastOne("max_tokens"))
        .field("stop", stop())
        .field("seed", Rule.of("seed", INTEGER).nullable())
        .field("n", singleChoice())
        .field("logprobs", Rule.of("logprobs", BOOLEAN).nullable()
            .check("rejected when true", (v, t) -> v.booleanValue() ? notSupported(t) : null))
        .field("top_logprobs", Rule.of("logprobs", INTEGER).nullable()
            .check("rejected when set", (v, t) -> notSupported(t)))
        .field("stream", Rule.of("stream", BOOLEAN).nullable())
        .field("stream_options", streamOptions())
        .field("tools", Rule.array("tools", Rule.object("tools", tools())))
        .field("tool_choice", Rule.of("tool_choice", STRING).literals("none", "auto", "required")
            .orObject(toolChoice())
            .check("'required' needs tools", OpenAiRules::requiredNeedsTools))
        .field("parallel_tool_calls", Rule.of("parallel_tool_calls", BOOLEAN))
        .field("response_format", Rule.object("response_format", responseFormat()))
        .field("user", Rule.of("user", STRING))
        .passThrough("audio", "function_call", "functions", "logit_bias", "metadata", "modalities", "prediction",
            "prompt_cache_key", "reasoning_effort", "safety_identifier", "service_tier", "store", "verbosity",
            "web_search_options");
  }

  private static Shape messages() {
    return Shape.union("role", "message-roles")
        .variant("developer", Shape.fields()
            .field("content", textContent().required())
            .field("name", Rule.of("message-roles", STRING)))
        .variant("system", Shape.fields()
            .field("content", textContent().required())
            .field("name", Rule.of("message-roles", STRING)))
        .variant("user", Shape.fields()
            .field("content", Rule.of("message-content", STRING)
                .orArray(Rule.object("content-parts", userParts())).required())
            .field("name", Rule.of("message-roles", STRING)))
        .variant("assistant", Shape.fields()
            .field("content", Rule.of("message-content", STRING)
                .orArray(Rule.object("content-parts", Shape.union("type", "content-parts")
                    .variant("text", textPart())
                    .variant("refusal", Shape.fields().field("refusal", Rule.of("content-parts", STRING).required()))))
                .nullable())
            .field("refusal", Rule.of("assistant-messages", STRING).nullable())
            .field("name", Rule.of("message-roles", STRING))
            .field("tool_calls", Rule.array("assistant-messages", Rule.object("assistant-messages", toolCalls())))
            .passThrough("audio", "function_call"))
        .variant("tool", Shape.fields()
            .field("content", textContent().required())
            .field("tool_call_id", Rule.of("tool-messages", STRING).required()))
        .variant("function", Shape.fields()
            .field("content", Rule.of("message-content", STRING).required().nullable())
            .field("name", Rule.of("message-roles", STRING).required()));
  }

  private static Rule textContent() {
    return Rule.of("message-content", STRING)
        .orArray(Rule.object("content-parts", Shape.union("type", "content-parts").variant("text", textPart())));
  }

  private static Shape textPart() {
    return Shape.fields().field("text", Rule.of("content-parts", STRING).required());
  }

  private static Shape userParts() {
    return Shape.union("type", "content-parts")
        .variant("text", textPart())
        .variant("image_url", Shape.fields().field("image_url", Rule.object("content-parts", Shape.fields()
                .field("url", Rule.of("content-parts", STRING).required())
                .field("detail", Rule.of("content-parts", STRING).literals("auto", "low", "high")))
            .required()))
        .variant("input_audio", Shape.fields().field("input_audio", Rule.object("content-parts", Shape.fields()
                .field("data", Rule.of("content-parts", STRING).required())
                .field("format", Rule.of("content-parts", STRING).literals("wav", "mp3").required()))
            .required()))
        .variant("file", Shape.fields().field("file", Rule.object("content-parts", Shape.fields()
                .field("file_data", Rule.of("content-parts", STRING))
                .field("file_id", Rule.of("content-parts", STRING))
                .field("filename", Rule.of("content-parts", STRING)))
            .required()));
  }

  private static Shape toolCalls() {
    return Shape.union("type", "assistant-messages")
        .variant("function", Shape.fields()
            .field("id", Rule.of("assistant-messages", STRING).required())
            .field("function", Rule.object("assistant-messages", Shape.fields()
                .field("name", Rule.of("assistant-messages", STRING).required())
                .field("arguments", Rule.of("assistant-messages", STRING).required())).required()))
        .variant("custom", Shape.fields()
            .field("id", Rule.of("assistant-messages", STRING).required())
            .field("custom", Rule.object("assistant-messages", Shape.fields()
                .field("name", Rule.of("assistant-messages", STRING).required())
                .field("input", Rule.of("assistant-messages", STRING).required())).required()));
  }

  private static Shape tools() {
    return Shape.union("type", "tools")
        .variant("function", Shape.fields()
            .field("function", Rule.object("tools", Shape.fields()
                .field("name", name("tools"))
                .field("description", Rule.of("tools", STRING))
                .field("parameters", Rule.of("tools", OBJECT).opaque())
                .field("strict", Rule.of("tools", BOOLEAN).nullable())).required()))
        .variant("custom", Shape.fields()
            .field("custom", Rule.object("tools", Shape.fields()
                .field("name", name("tools"))
                .field("description", Rule.of("tools", STRING))
                .passThrough("format")).required()))
        // built-in tools the Codex backend runs; an OpenAI-compatible upstream decides for itself
        .extension("web_search", Shape.fields())
        .extension("web_search_preview", Shape.fields());
  }

  private static Shape toolChoice() {
    return Shape.union("type", "tool_choice")
        .variant("allowed_tools", Shape.fields()
            .field("allowed_tools", Rule.object("tool_choice", Shape.fields()
                .field("mode", Rule.of("tool_choice", STRING).literals("auto", "required").required())
                .field("tools", Rule.array("tool_choice", Rule.of("tool_choice", OBJECT).opaque()).required()))
                .required()))
        .variant("function", Shape.fields()
            .field("function", Rule.object("tool_choice", Shape.fields()
                .field("name", Rule.of("tool_choice", STRING).required()
                    .check("names a function in tools", (v, t) -> namedToolExists(v, t, "function"))))
                .required()))
        .variant("custom", Shape.fields()
            .field("custom", Rule.object("tool_choice", Shape.fields()
                .field("name", Rule.of("tool_choice", STRING).required()
                    .check("names a custom tool in tools", (v, t) -> namedToolExists(v, t, "custom"))))
                .required()));
  }

  private static Shape responseFormat() {
    return Shape.union("type", "response_format")
        .variant("text", Shape.fields())
        .variant("json_schema", Shape.fields()
            .field("json_schema", Rule.object("response_format", Shape.fields()
                .field("name", name("response_format"))
                .field("description", Rule.of("response_format", STRING))
                .field("schema", Rule.of("response_format", OBJECT).opaque())
                .field("strict", Rule.of("response_format", BOOLEAN).nullable())).required()))
        .variant("json_object", Shape.fields());
  }

  private static Rule streamOptions() {
    return Rule.object("stream_options", Shape.fields()
            .field("include_usage", Rule.of("stream_options", BOOLEAN))
            .field("include_obfuscation", Rule.of("stream_options", BOOLEAN)))
        .nullable()
        .check("only with stream: true", (v, t) -> {
          JsonNode stream = t.root().get("stream");
          return stream != null && stream.isBoolean() && stream.booleanValue() ? null
              : "The 'stream_options' parameter is only allowed when 'stream' is true.";
        });
  }

  // ---- legacy completions ---------------------------------------------------------------------

  static Shape completions() {
    return Shape.fields()
        .field("model", Rule.of("model", STRING).required())
        .field("prompt", tokensOrText("prompt").required().nullable())
        .field("temperature", range("temperature", 0, 2))
        .field("top_p", range("top_p", 0, 1))
        .field("frequency_penalty", range("penalties", -2, 2))
        .field("presence_penalty", range("penalties", -2, 2))
        .field("max_tokens", atLeastOne("max_tokens"))
        .field("stop", stop())
        .field("seed", Rule.of("seed", INTEGER).nullable())
        .field("n", singleChoice())
        .field("logprobs", Rule.of("logprobs", INTEGER).nullable()
            .check("rejected when set", (v, t) -> notSupported(t)))
        .field("stream", Rule.of("stream", BOOLEAN).nullable())
        .field("stream_options", streamOptions())
        .field("user", Rule.of("user", STRING))
        .passThrough("best_of", "echo", "logit_bias", "suffix");
  }

  // ---- embeddings ------------------------------------------------------------------------------

  static Shape embeddings() {
    return Shape.fields()
        .field("input", tokensOrText("embeddings-input").required()
            .check("not empty", (v, t) -> v.isTextual() && v.textValue().isEmpty()
                || v.isArray() && v.isEmpty()
                ? "Invalid '" + t.path() + "': expected a non-empty string or array, but got an empty one instead."
                : null))
        .field("model", Rule.of("model", STRING).required())
        .field("dimensions", Rule.of("dimensions", INTEGER).check(">= 1", OpenAiRules::atLeastOneCheck))
        .field("encoding_format", Rule.of("encoding_format", STRING).literals("float", "base64"))
        .field("user", Rule.of("user", STRING));
  }

  // ---- images ----------------------------------------------------------------------------------

  static Shape images() {
    return Shape.fields()
        .field("prompt", Rule.of("images-prompt", STRING).required()
            .check("1 to " + IMAGE_PROMPT_MAX + " characters", OpenAiRules::imagePromptLength))
        .field("model", Rule.of("images-model", STRING).nullable())
        .field("n", Rule.of("images-n", INTEGER).nullable()
            .check("1 to " + IMAGE_N_MAX, (v, t) -> Values.compare(v, BigDecimal.ONE, 1) < 0
                || Values.compare(v, BigDecimal.valueOf(IMAGE_N_MAX), IMAGE_N_MAX) > 0
                ? "Invalid '" + t.path() + "': expected an integer between 1 and " + IMAGE_N_MAX + ", but got "
                + Values.echo(v) + " instead."
                : null))
        .field("size", Rule.of("images-size", STRING).nullable()
            .literals("256x256", "512x512", "1024x1024", "1792x1024", "1024x1792")
            .rejecting("auto", "1536x1024", "1024x1536"))
        .field("quality", Rule.of("images-quality", STRING).nullable()
            .literals("standard", "hd")
            .rejecting("low", "medium", "high", "auto"))
        .field("response_format", Rule.of("images-response_format", STRING).nullable().literals("url", "b64_json"))
        .passThrough("background", "moderation", "output_compression", "output_format", "partial_images",
            "stream", "style", "user");
  }

  // ---- shared pieces ---------------------------------------------------------------------------

  private static Rule tokensOrText(String anchor) {
    return Rule.of(anchor, STRING).orArray(
        Rule.of(anchor, STRING).or(INTEGER).orArray(Rule.of(anchor, INTEGER)));
  }

  private static Rule range(String anchor, int lo, int hi) {
    BigDecimal low = BigDecimal.valueOf(lo);
    BigDecimal high = BigDecimal.valueOf(hi);
    return Rule.of(anchor, NUMBER).nullable().check(lo + " to " + hi, (v, t) ->
        Values.compare(v, low, lo) < 0 || Values.compare(v, high, hi) > 0
            ? "Invalid '" + t.path() + "': expected a number between " + lo + " and " + hi + ", but got "
            + Values.echo(v) + " instead."
            : null);
  }

  private static Rule atLeastOne(String anchor) {
    return Rule.of(anchor, INTEGER).nullable().check(">= 1", OpenAiRules::atLeastOneCheck);
  }

  private static String atLeastOneCheck(JsonNode v, Trace t) {
    return Values.compare(v, BigDecimal.ONE, 1) < 0
        ? "Invalid '" + t.path() + "': expected an integer >= 1, but got " + Values.echo(v) + " instead."
        : null;
  }

  private static Rule stop() {
    return Rule.of("stop", STRING).orArray(Rule.of("stop", STRING)).nullable()
        .check("at most " + STOP_MAX + " sequences", (v, t) -> v.isArray() && v.size() > STOP_MAX
            ? "Invalid '" + t.path() + "': expected at most " + STOP_MAX + " stop sequences, but got " + v.size()
            + " instead."
            : null);
  }

  private static Rule singleChoice() {
    return Rule.of("n", INTEGER).nullable().check("must be 1", (v, t) -> {
      if (Values.compare(v, BigDecimal.ONE, 1) == 0) {
        return null;
      }
      return Values.compare(v, BigDecimal.ONE, 1) > 0
          ? "Invalid '" + t.path() + "': this gateway returns a single choice per request, so 'n' must be 1, but got "
          + Values.echo(v) + " instead."
          : "Invalid '" + t.path() + "': expected an integer >= 1, but got " + Values.echo(v) + " instead.";
    });
  }

  private static Rule name(String anchor) {
    return Rule.of(anchor, STRING).required().check("1 to " + NAME_MAX + " of [A-Za-z0-9_-]", (v, t) -> {
      String s = v.textValue();
      boolean ok = !s.isEmpty() && s.length() <= NAME_MAX;
      for (int i = 0; ok && i < s.length(); i++) {
        char c = s.charAt(i);
        ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
      }
      return ok ? null : "Invalid '" + t.path() + "': expected 1 to " + NAME_MAX
          + " characters from a-z, A-Z, 0-9, '_' and '-', but got '" + Values.echo(v) + "' instead.";
    });
  }

  private static String nonEmptyMessages(JsonNode v, Trace t) {
    return v.isEmpty()
        ? "Invalid '" + t.path() + "': expected an array with at least 1 message, but got an empty array instead."
        : null;
  }

  private static String notSupported(Trace t) {
    return "'" + t.path() + "' is not supported by this gateway.";
  }

  private static String requiredNeedsTools(JsonNode v, Trace t) {
    if (v.isTextual() && "required".equals(v.textValue())) {
      JsonNode tools = t.root().get("tools");
      if (tools == null || !tools.isArray() || tools.isEmpty()) {
        return "Invalid value for '" + t.path() + "': 'required' is only allowed when 'tools' is a non-empty array.";
      }
    }
    return null;
  }

  private static String namedToolExists(JsonNode name, Trace t, String type) {
    JsonNode tools = t.root().get("tools");
    if (tools != null && tools.isArray()) {
      for (JsonNode tool : tools) {
        JsonNode def = tool.get(type);
        if (def != null && tool.path("type").asText("").equals(type)) {
          JsonNode n = def.get("name");
          if (n != null && n.isTextual() && n.textValue().equals(name.textValue())) {
            return null;
          }
        }
      }
    }
    String kind = type.equals("function") ? "function" : "custom tool";
    return "Invalid value for '" + t.path() + "': no " + kind + " named '" + Values.echo(name)
        + "' is defined in 'tools'.";
  }

  private static String imagePromptLength(JsonNode v, Trace t) {
    String s = v.textValue();
    if (s.isEmpty()) {
      return "Invalid '" + t.path() + "': expected a non-empty string, but got an empty string instead.";
    }
    if (s.length() > IMAGE_PROMPT_MAX) {
      int cps = s.codePointCount(0, s.length());
      if (cps > IMAGE_PROMPT_MAX) {
        return "Invalid '" + t.path() + "': string too long. Expected at most " + IMAGE_PROMPT_MAX
            + " characters, but got " + cps + " instead.";
      }
    }
    return null;
  }
}
