package dev.sluice.dialect.anthropic.inbound;

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

/** Every 400 of {@link MessagesRequestToChat}: the request, and the {@code param} it names. */
class MessagesRequestToChatErrorTest {
  private static final String HEAD = "{\"model\":\"m\",\"max_tokens\":10,";
  private static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
  private static final String TOOL = "{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}";
  private static final String CALL = "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\","
      + "\"name\":\"f\",\"input\":{}}]}";

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("model", "{\"max_tokens\":10," + USER + "}"),
        bad("max_tokens", "{\"model\":\"m\"," + USER + "}"),
        bad("max_tokens", HEAD.replace("10", "0") + USER + "}"),
        bad("max_tokens", HEAD.replace("10", "-3") + USER + "}"),
        bad("max_tokens", HEAD.replace("10", "1.5") + USER + "}"),
        bad("max_tokens", HEAD.replace("10", "\"10\"") + USER + "}"),
        bad("messages", HEAD + "\"x\":1}"),
        bad("messages", HEAD + "\"messages\":[]}"),
        bad("messages", HEAD + "\"messages\":{}}"),
        bad("messages[0]", HEAD + "\"messages\":[\"hi\"]}"),
        bad("messages[0].role", HEAD + "\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"),
        bad("messages[0].role", HEAD + "\"messages\":[{\"content\":\"x\"}]}"),
        bad("messages[0].content", HEAD + "\"messages\":[{\"role\":\"user\"}]}"),
        bad("messages[0].content[0]", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":[\"x\"]}]}"),
        bad("messages[0].content[0].type", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"audio\",\"data\":\"x\"}]}]}"),
        bad("messages[0].content[0].type", HEAD + "\"messages\":[{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x\"}}]}]}"),
        bad("messages[0].content[0].type", HEAD + "\"messages\":[{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"server_tool_use\",\"id\":\"s\",\"name\":\"web_search\",\"input\":{}}]}]}"),
        bad("messages[0].content[0].text", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}"),
        bad("messages[0].content[0].type", HEAD + "\"messages\":[{\"role\":\"system\",\"content\":"
            + "[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x\"}}]}]}"),
        bad("messages[0].content[0].tool_use_id", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"x\"}]}]}"),
        bad("messages[1].content[0].tool_use_id", HEAD + "\"messages\":[" + CALL + ",{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"x\"}]}]}"),
        bad("messages[1].content[0].content[0].type", HEAD + "\"messages\":[" + CALL + ",{\"role\":\"user\","
            + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":[{\"type\":\"video\"}]}]}]}"),
        bad("messages[0].content[0].source", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]}"),
        bad("messages[0].content[0].source.type", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"file_1\"}}]}]}"),
        bad("messages[0].content[0].source.media_type", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"data\":\"AAAA\"}}]}]}"),
        bad("messages[0].content[0].source.data", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\"}}]}]}"),
        bad("messages[0].content[0].source.url", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"image\",\"source\":{\"type\":\"url\"}}]}]}"),
        bad("messages[0].content[0].source.type", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"document\",\"source\":{\"type\":\"url\",\"url\":\"https://x/a.pdf\"}}]}]}"),
        bad("messages[0].content[0].source.media_type", HEAD + "\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"A\"}}]}]}"),
        bad("messages[0].content[0].id", HEAD + "\"messages\":[{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"tool_use\",\"name\":\"f\",\"input\":{}}]}]}"),
        bad("messages[0].content[0].input", HEAD + "\"messages\":[{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":\"{}\"}]}]}"),
        bad("messages[0].content[0].thinking", HEAD + "\"messages\":[{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"thinking\",\"signature\":\"s\"}]}]}"),
        bad("system", HEAD + "\"system\":3," + USER + "}"),
        bad("system[0].type", HEAD + "\"system\":[{\"type\":\"image\"}]," + USER + "}"),
        bad("tools", HEAD + USER + ",\"tools\":{}}"),
        bad("tools[1]", HEAD + USER + ",\"tools\":[" + TOOL + ",{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}"),
        bad("tools[0]", HEAD + USER + ",\"tools\":[{\"type\":\"bash_20250124\",\"name\":\"bash\"}]}"),
        bad("tools[0]", HEAD + USER + ",\"tools\":[{\"type\":\"text_editor_20250728\",\"name\":\"str_replace_based_edit_tool\"}]}"),
        bad("tools[0]", HEAD + USER + ",\"tools\":[{\"type\":\"computer_20250124\",\"name\":\"computer\"}]}"),
        bad("tools[0].name", HEAD + USER + ",\"tools\":[{\"input_schema\":{}}]}"),
        bad("tools[0].input_schema", HEAD + USER + ",\"tools\":[{\"name\":\"f\"}]}"),
        bad("tool_choice", HEAD + USER + ",\"tools\":[" + TOOL + "],\"tool_choice\":\"auto\"}"),
        bad("tool_choice.type", HEAD + USER + ",\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"required\"}}"),
        bad("tool_choice.name", HEAD + USER + ",\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"tool\"}}"),
        bad("stop_sequences", HEAD + USER + ",\"stop_sequences\":\"END\"}"),
        bad("stop_sequences[1]", HEAD + USER + ",\"stop_sequences\":[\"END\",3]}"),
        bad("thinking.type", HEAD + USER + ",\"thinking\":{\"type\":\"on\"}}"),
        bad("thinking.budget_tokens", HEAD + USER + ",\"thinking\":{\"type\":\"enabled\"}}"));
  }

  private static Arguments bad(String param, String request) {
    return Arguments.of(param, request);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void rejectsNamingTheField(String param, String request) throws Exception {
    ObjectNode req = (ObjectNode) Json.parse(request);
    assertThatThrownBy(() -> MessagesRequestToChat.translate(req))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          ApiError err = e.error();
          assertThat(err.status()).isEqualTo(400);
          assertThat(err.type()).isEqualTo(ApiError.INVALID_REQUEST);
          assertThat(err.param()).isEqualTo(param);
          assertThat(err.message()).isNotBlank();
        });
  }
}
