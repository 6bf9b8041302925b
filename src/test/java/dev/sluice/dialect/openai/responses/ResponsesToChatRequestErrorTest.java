package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every 400 of {@link ResponsesToChatRequest}: the request, and the {@code param} it names. */
class ResponsesToChatRequestErrorTest {
  private static final String TOOL = "{\"type\":\"function\",\"name\":\"f\"}";

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("model", "{\"input\":\"x\"}"),
        bad("model", "{\"model\":\"\",\"input\":\"x\"}"),
        bad("previous_response_id", "{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":\"resp_1\"}"),
        bad("conversation", "{\"model\":\"m\",\"input\":\"x\",\"conversation\":\"conv_1\"}"),
        bad("prompt", "{\"model\":\"m\",\"input\":\"x\",\"prompt\":{\"id\":\"pmpt_1\"}}"),
        bad("background", "{\"model\":\"m\",\"input\":\"x\",\"background\":true}"),
        bad("instructions", "{\"model\":\"m\",\"input\":\"x\",\"instructions\":[]}"),
        bad("input", "{\"model\":\"m\"}"),
        bad("input", "{\"model\":\"m\",\"input\":[]}"),
        bad("input", "{\"model\":\"m\",\"input\":3}"),
        bad("input[0]", "{\"model\":\"m\",\"input\":[\"hi\"]}"),
        bad("input[1]", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"x\"},"
            + "{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}"),
        bad("input[0].type", "{\"model\":\"m\",\"input\":[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}]}"),
        bad("input[0].role", "{\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}"),
        bad("input[0].content", "{\"model\":\"m\",\"input\":[{\"role\":\"user\"}]}"),
        bad("input[0].content[0].type", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_audio\",\"data\":\"x\"}]}]}"),
        bad("input[0].content[0].text", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_text\"}]}]}"),
        bad("input[0].content[1].type", "{\"model\":\"m\",\"input\":[{\"role\":\"system\",\"content\":"
            + "[{\"type\":\"input_text\",\"text\":\"a\"},{\"type\":\"input_image\",\"image_url\":\"https://x\"}]}]}"),
        bad("input[0].content[0].type", "{\"model\":\"m\",\"input\":[{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"input_image\",\"image_url\":\"https://x\"}]}]}"),
        bad("input[0].content[0].file_id", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_image\",\"file_id\":\"file-1\"}]}]}"),
        bad("input[0].content[0].image_url", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_image\",\"detail\":\"low\"}]}]}"),
        bad("input[0].content[0].file_id", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_file\",\"file_id\":\"file-1\"}]}]}"),
        bad("input[0].content[0].file_url", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_file\",\"file_url\":\"https://x/a.pdf\"}]}]}"),
        bad("input[0].content[0].file_data", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_file\",\"filename\":\"a.pdf\"}]}]}"),
        bad("input[0].call_id", "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\"}]}"),
        bad("input[0].name", "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\"}]}"),
        bad("input[0].call_id", "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"output\":\"x\"}]}"),
        bad("input[0].output[0].type", "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\","
            + "\"call_id\":\"c\",\"output\":[{\"type\":\"input_image\",\"image_url\":\"https://x\"}]}]}"),
        bad("tools", "{\"model\":\"m\",\"input\":\"x\",\"tools\":{}}"),
        bad("tools[1].type", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[" + TOOL + ",{\"type\":\"web_search\"}]}"),
        bad("tools[0].type", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"custom\",\"name\":\"c\"}]}"),
        bad("tools[0].name", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}"),
        bad("tool_choice", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[" + TOOL + "],\"tool_choice\":\"any\"}"),
        bad("tool_choice.type", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[" + TOOL + "],"
            + "\"tool_choice\":{\"type\":\"file_search\"}}"),
        bad("tool_choice.name", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[" + TOOL + "],"
            + "\"tool_choice\":{\"type\":\"function\"}}"),
        bad("tool_choice.tools", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[" + TOOL + "],"
            + "\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"auto\"}}"),
        bad("tool_choice.tools[1].type", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[" + TOOL + "],"
            + "\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"auto\",\"tools\":[" + TOOL
            + ",{\"type\":\"mcp\",\"server_label\":\"s\"}]}}"),
        bad("text.format.type", "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"grammar\"}}}"),
        bad("text.format.name", "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\","
            + "\"schema\":{}}}}"),
        bad("max_output_tokens", "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}"),
        bad("max_output_tokens", "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":\"100\"}"),
        bad("max_output_tokens", "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":1.5}"));
  }

  private static Arguments bad(String param, String request) {
    return Arguments.of(param, request);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void rejectsNamingTheField(String param, String request) throws Exception {
    ObjectNode req = (ObjectNode) Json.parse(request);
    assertThatThrownBy(() -> ResponsesToChatRequest.translate(req, "upstream-model"))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          ApiError err = e.error();
          assertThat(err.status()).isEqualTo(400);
          assertThat(err.type()).isEqualTo(ApiError.INVALID_REQUEST);
          assertThat(err.param()).isEqualTo(param);
          assertThat(err.code()).isNull();
          assertThat(err.message()).isNotBlank();
        });
  }
}
