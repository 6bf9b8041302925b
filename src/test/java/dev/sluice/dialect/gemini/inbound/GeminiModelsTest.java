package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiModelsTest {

  private static ObjectNode model(String json) throws Exception {
    return (ObjectNode) Json.parse(json);
  }

  @Test
  void oneModelInGooglesShape() throws Exception {
    assertThat(Json.write(GeminiModels.model(model("{\"id\":\"claude-sonnet-4-5\",\"object\":\"model\",\"created\":1,"
        + "\"owned_by\":\"anthropic\",\"display_name\":\"Claude Sonnet 4.5\"}"))))
        .isEqualTo("{\"name\":\"models/claude-sonnet-4-5\",\"baseModelId\":\"claude-sonnet-4-5\",\"version\":\"001\","
            + "\"displayName\":\"Claude Sonnet 4.5\",\"description\":\"claude-sonnet-4-5 served by Sluice (owned by"
            + " anthropic)\",\"inputTokenLimit\":200000,\"outputTokenLimit\":64000,\"supportedGenerationMethods\":"
            + "[\"generateContent\",\"streamGenerateContent\",\"countTokens\"]}");
  }

  @Test
  void limitsFromTheModelObjectWinAndTheMakerIsGuessedWithoutOwner() throws Exception {
    ObjectNode m = GeminiModels.model(model("{\"id\":\"gemini-2.5-pro\",\"context_window\":2000000}"));
    assertThat(m.path("inputTokenLimit").asLong()).isEqualTo(2_000_000);
    assertThat(m.path("outputTokenLimit").asLong()).isEqualTo(65_536);
    assertThat(m.path("description").asText()).isEqualTo("gemini-2.5-pro served by Sluice");
  }

  @Test
  void pagesWalkTheWholeListAndSkipModelsWithoutId() throws Exception {
    List<ObjectNode> models = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      models.add(model("{\"id\":\"m" + i + "\"}"));
    }
    models.add(2, model("{\"object\":\"model\"}"));
    List<String> names = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      ObjectNode page = GeminiModels.list(models, 3, token);
      page.path("models").forEach(x -> names.add(x.path("name").asText()));
      token = page.hasNonNull("nextPageToken") ? page.get("nextPageToken").asText() : null;
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(names).containsExactly("models/m0", "models/m1", "models/m2", "models/m3", "models/m4", "models/m5",
        "models/m6");
    assertThat(GeminiModels.list(models).has("nextPageToken")).isFalse();
    assertThat(GeminiModels.list(models).path("models").size()).isEqualTo(7);
    assertThat(GeminiModels.list(models, 0, "junk").path("models").size()).isEqualTo(7);
    assertThat(GeminiModels.list(List.of()).toString()).isEqualTo("{\"models\":[]}");
  }
}
