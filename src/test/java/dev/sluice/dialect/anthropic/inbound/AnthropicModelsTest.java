package dev.sluice.dialect.anthropic.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AnthropicModels}: OpenAI model objects as Anthropic's list, read by the anthropic-java SDK. */
class AnthropicModelsTest {

  @Test
  void listsInAnthropicShape() throws Exception {
    ObjectNode a = (ObjectNode) Json.parse("{\"id\":\"fast\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"sluice\"}");
    ObjectNode b = (ObjectNode) Json.parse("{\"id\":\"claude-sonnet-4-5\",\"object\":\"model\",\"display_name\":\"Claude Sonnet 4.5\"}");
    ObjectNode noId = (ObjectNode) Json.parse("{\"object\":\"model\"}");
    ObjectNode list = AnthropicModels.list(List.of(a, b, noId));

    assertThat(list.path("has_more").asBoolean(true)).isFalse();
    assertThat(list.path("first_id").asText()).isEqualTo("fast");
    assertThat(list.path("last_id").asText()).isEqualTo("claude-sonnet-4-5");
    JsonNode data = list.path("data");
    assertThat(data).hasSize(2);
    ModelInfo first = ObjectMappers.jsonMapper().readValue(Json.write(data.get(0)), ModelInfo.class);
    first.validate();
    assertThat(first.id()).isEqualTo("fast");
    assertThat(first.displayName()).isEqualTo("fast");
    assertThat(first.lifecycle()).isEqualTo(ModelInfo.Lifecycle.ACTIVE);
    assertThat(first.createdAt()).isEqualTo(OffsetDateTime.of(2023, 11, 14, 22, 13, 20, 0, ZoneOffset.UTC));
    ModelInfo second = ObjectMappers.jsonMapper().readValue(Json.write(data.get(1)), ModelInfo.class);
    second.validate();
    assertThat(second.displayName()).isEqualTo("Claude Sonnet 4.5");
    assertThat(data.get(1).path("created_at").asText()).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void emptyListHasNullIds() {
    ObjectNode list = AnthropicModels.list(List.of());
    assertThat(list.path("data")).isEmpty();
    assertThat(list.get("first_id").isNull()).isTrue();
    assertThat(list.get("last_id").isNull()).isTrue();
  }
}
