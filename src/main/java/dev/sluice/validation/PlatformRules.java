package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Endpoint;
import dev.sluice.error.ApiError;

/**
 * What seed 003's platform asks beyond the pinned openai-python rules, checked after them on its base
 * paths. Image generation ("Image Generation"): {@code model} is required (openai-python lets it be
 * left out) and {@code quality} is a DALL-E 3 parameter. Prompt length, {@code size}, {@code quality}'s
 * values, {@code n} and {@code response_format} are already the pinned rules' (see
 * {@link OpenAiRules#images()}).
 */
final class PlatformRules {
  static final String QUALITY_MODEL = "dall-e-3";

  private PlatformRules() {
  }

  /** @throws dev.sluice.error.GatewayException a 400 naming the offending parameter */
  static void check(Endpoint endpoint, JsonNode body) {
    if (endpoint != Endpoint.IMAGES_GENERATIONS) {
      return;
    }
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw ApiError.invalidParam("model", "Missing required parameter: 'model'.").exception();
    }
    JsonNode quality = body.get("quality");
    if (quality != null && !quality.isNull() && !QUALITY_MODEL.equals(model.asText())) {
      throw ApiError.invalidParam("quality", "Invalid 'quality': only " + QUALITY_MODEL + " takes a quality, but "
          + "the model is '" + model.asText() + "'.").exception();
    }
  }
}
