package dev.sluice.dialect.gemini.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ModelInfo;
import dev.sluice.json.Json;
import java.util.List;

/**
 * OpenAI model objects ({@code {id, object: "model", created, owned_by}}) in the shape of Gemini's
 * {@code GET models} and {@code GET models/{model}}: {@code {name: "models/<id>", baseModelId: <id>,
 * version: "001", displayName, description, inputTokenLimit, outputTokenLimit,
 * supportedGenerationMethods: [generateContent, streamGenerateContent, countTokens]}}.
 * {@code displayName} is the model's {@code display_name}, else its id; the description says who
 * serves it. The limits are the model object's {@code context_window} / {@code max_output_tokens}
 * when it has them, else by maker ({@code owned_by}, else guessed from the id): Google 1,048,576 /
 * 65,536, Anthropic 200,000 / 64,000, others 128,000 / 16,384. Models without an id are skipped.
 */
public final class GeminiModels {
  /** Google's default page size of {@code GET models}. */
  public static final int DEFAULT_PAGE_SIZE = 50;
  /** Google's largest page size. */
  public static final int MAX_PAGE_SIZE = 1000;
  private static final List<String> METHODS = List.of("generateContent", "streamGenerateContent", "countTokens");

  private GeminiModels() {
  }

  /** The whole list, one page: {@code {"models": [...]}}. */
  public static ObjectNode list(List<ObjectNode> openAiModels) {
    return list(openAiModels, Integer.MAX_VALUE, null);
  }

  /**
   * One page of the list, as {@code GET models?pageSize=&pageToken=} asks: {@code pageSize} ≤ 0 means
   * {@value #DEFAULT_PAGE_SIZE}, above {@value #MAX_PAGE_SIZE} is capped (unless it is
   * {@link Integer#MAX_VALUE}: everything); {@code pageToken} is the {@code nextPageToken} of the page
   * before (an offset), null or unreadable for the first. {@code nextPageToken} only when more follow.
   */
  public static ObjectNode list(List<ObjectNode> openAiModels, int pageSize, String pageToken) {
    List<ObjectNode> models = openAiModels.stream().filter(m -> !m.path("id").asText("").isEmpty()).toList();
    int size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : pageSize == Integer.MAX_VALUE ? pageSize
        : Math.min(pageSize, MAX_PAGE_SIZE);
    int from = offset(pageToken, models.size());
    int to = (int) Math.min((long) from + size, models.size());
    ObjectNode out = Json.object();
    ArrayNode list = out.putArray("models");
    for (ObjectNode m : models.subList(from, to)) {
      list.add(model(m));
    }
    if (to < models.size()) {
      out.put("nextPageToken", Integer.toString(to));
    }
    return out;
  }

  /** One model, as {@code GET models/{model}} answers. */
  public static ObjectNode model(ObjectNode openAiModel) {
    String id = openAiModel.path("id").asText("");
    String owner = openAiModel.path("owned_by").asText("");
    String maker = ModelInfo.owner(id);
    ObjectNode m = Json.object();
    m.put("name", "models/" + id);
    m.put("baseModelId", id);
    m.put("version", "001");
    JsonNode name = openAiModel.get("display_name");
    m.put("displayName", name != null && name.isTextual() && !name.asText().isBlank() ? name.asText() : id);
    m.put("description", id + " served by Sluice" + (owner.isEmpty() ? "" : " (owned by " + owner + ")"));
    String by = owner.isEmpty() ? maker : owner;
    m.put("inputTokenLimit", limit(openAiModel, "context_window", by.equals("google") ? 1_048_576
        : by.equals("anthropic") ? 200_000 : 128_000));
    m.put("outputTokenLimit", limit(openAiModel, "max_output_tokens", by.equals("google") ? 65_536
        : by.equals("anthropic") ? 64_000 : 16_384));
    ArrayNode methods = m.putArray("supportedGenerationMethods");
    METHODS.forEach(methods::add);
    return m;
  }

  private static long limit(JsonNode model, String field, long fallback) {
    JsonNode v = model.get(field);
    return v != null && v.canConvertToLong() && v.asLong() > 0 ? v.asLong() : fallback;
  }

  private static int offset(String pageToken, int size) {
    if (pageToken == null || pageToken.isBlank()) {
      return 0;
    }
    try {
      return Math.max(0, Math.min(size, Integer.parseInt(pageToken.trim())));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
