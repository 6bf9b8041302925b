package dev.sluice.dialect.gemini.inbound;

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

/** Every 400 of {@link GenerateContentToChat}: the off-spec request, and the field it names. */
class GenerateContentToChatErrorTest {
  private static final String USER = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}]";
  private static final String CALL = "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"id\":\"c1\",\"name\":\"f\","
      + "\"args\":{}}}]}";
  private static final String TOOLS = "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\"}]}]";

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("contents", "{}"),
        bad("contents", "{\"contents\":[]}"),
        bad("contents", "{\"contents\":{\"parts\":[{\"text\":\"x\"}]}}"),
        bad("contents[0]", "{\"contents\":[\"hi\"]}"),
        bad("contents", "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"text\":\"hmm\",\"thought\":true}]}]}"),
        bad("contents[0].parts", "{\"contents\":[{\"role\":\"user\"}]}"),
        bad("contents[0].parts", "{\"contents\":[{\"role\":\"user\",\"parts\":[]}]}"),
        bad("contents[0].role", "{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"x\"}]}]}"),
        bad("contents[0].role", "{\"contents\":[{\"role\":\"system\",\"parts\":[{\"text\":\"x\"}]}]}"),
        bad("contents[0].role", "{\"contents\":[{\"role\":3,\"parts\":[{\"text\":\"x\"}]}]}"),
        bad("contents[0].parts[0]", "{\"contents\":[{\"parts\":[{}]}]}"),
        bad("contents[0].parts[0]", "{\"contents\":[{\"parts\":[{\"thoughtSignature\":\"c2ln\"}]}]}"),
        bad("contents[0].parts[0]", "{\"contents\":[{\"parts\":[\"x\"]}]}"),
        bad("contents[0].parts[0]", "{\"contents\":[{\"parts\":[{\"text\":\"x\",\"inlineData\":{\"mimeType\":\"image/png\","
            + "\"data\":\"AA==\"}}]}]}"),
        bad("contents[0].parts[0].text", "{\"contents\":[{\"parts\":[{\"text\":5}]}]}"),
        bad("contents[0].parts[0].inlineData.mimeType", "{\"contents\":[{\"parts\":[{\"inlineData\":{\"data\":\"AA==\"}}]}]}"),
        bad("contents[0].parts[0].inlineData.data", "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\"}}]}]}"),
        bad("contents[0].parts[0].inlineData.mimeType", "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":"
            + "\"video/mp4\",\"data\":\"AA==\"}}]}]}"),
        bad("contents[0].parts[0].inline_data.data", "{\"contents\":[{\"parts\":[{\"inline_data\":{\"mime_type\":"
            + "\"text/plain\",\"data\":\"//79\"}}]}]}"),
        bad("contents[0].parts[0].inlineData", "{\"contents\":[{\"parts\":[{\"inlineData\":\"AA==\"}]}]}"),
        bad("contents[0].parts[0].fileData.fileUri", "{\"contents\":[{\"parts\":[{\"fileData\":{\"mimeType\":\"image/png\"}}]}]}"),
        bad("contents[0].parts[0].fileData.mimeType", "{\"contents\":[{\"parts\":[{\"fileData\":{\"mimeType\":"
            + "\"application/pdf\",\"fileUri\":\"https://x/a.pdf\"}}]}]}"),
        bad("contents[0].parts[0].executableCode", "{\"contents\":[{\"parts\":[{\"executableCode\":{\"code\":\"1\"}}]}]}"),
        bad("contents[0].parts[0].functionCall", "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"functionCall\":"
            + "{\"name\":\"f\"}}]}]}"),
        bad("contents[0].parts[0].functionCall.name", "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"functionCall\":"
            + "{\"args\":{}}}]}]}"),
        bad("contents[0].parts[0].functionCall.args", "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"functionCall\":"
            + "{\"name\":\"f\",\"args\":\"{}\"}}]}]}"),
        bad("contents[0].parts[0].inlineData", "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"inlineData\":"
            + "{\"mimeType\":\"image/png\",\"data\":\"AA==\"}}]}]}"),
        bad("contents[0].parts[0].functionResponse", "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"functionResponse\":"
            + "{\"name\":\"f\",\"response\":{}}}]}]}"),
        bad("contents[1].parts[0].functionResponse", "{\"contents\":[" + CALL + ",{\"role\":\"user\",\"parts\":"
            + "[{\"functionResponse\":{\"id\":\"c2\",\"name\":\"g\",\"response\":{}}}]}]}"),
        bad("contents[1].parts[1].functionResponse", "{\"contents\":[" + CALL + ",{\"role\":\"user\",\"parts\":"
            + "[{\"functionResponse\":{\"id\":\"c1\",\"name\":\"f\",\"response\":{}}},"
            + "{\"functionResponse\":{\"name\":\"f\",\"response\":{}}}]}]}"),
        bad("contents[1].parts[0].functionResponse.name", "{\"contents\":[" + CALL + ",{\"role\":\"user\",\"parts\":"
            + "[{\"functionResponse\":{\"id\":\"c1\",\"response\":{}}}]}]}"),
        bad("contents[1].parts[0].functionResponse.response", "{\"contents\":[" + CALL + ",{\"role\":\"user\",\"parts\":"
            + "[{\"functionResponse\":{\"id\":\"c1\",\"name\":\"f\",\"response\":\"done\"}}]}]}"),
        bad("systemInstruction", "{\"systemInstruction\":[\"x\"]," + USER + "}"),
        bad("systemInstruction.parts[0]", "{\"systemInstruction\":{\"parts\":[{\"inlineData\":{}}]}," + USER + "}"),
        bad("system_instruction.parts", "{\"system_instruction\":{\"parts\":\"x\"}," + USER + "}"),
        bad("cachedContent", "{\"cachedContent\":\"cachedContents/abc\"," + USER + "}"),
        bad("tools", "{" + USER + ",\"tools\":{}}"),
        bad("tools[0]", "{" + USER + ",\"tools\":[\"f\"]}"),
        bad("tools[0].googleSearch", "{" + USER + ",\"tools\":[{\"googleSearch\":{}}]}"),
        bad("tools[1].codeExecution", "{" + USER + "," + TOOLS.replace("]}]", "]},{\"codeExecution\":{}}]") + "}"),
        bad("tools[0].url_context", "{" + USER + ",\"tools\":[{\"url_context\":{}}]}"),
        bad("tools[0].functionDeclarations", "{" + USER + ",\"tools\":[{\"functionDeclarations\":{}}]}"),
        bad("tools[0].functionDeclarations[0].name", "{" + USER + ",\"tools\":[{\"functionDeclarations\":[{}]}]}"),
        bad("tools[0].functionDeclarations[0].parametersJsonSchema", "{" + USER + ",\"tools\":[{\"functionDeclarations\":"
            + "[{\"name\":\"f\",\"parameters\":{},\"parametersJsonSchema\":{}}]}]}"),
        bad("tools[0].functionDeclarations[0].parametersJsonSchema", "{" + USER + ",\"tools\":[{\"functionDeclarations\":"
            + "[{\"name\":\"f\",\"parametersJsonSchema\":true}]}]}"),
        bad("tools[0].functionDeclarations[0].parameters.properties.a.type", "{" + USER + ",\"tools\":"
            + "[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"type\":\"OBJECT\",\"properties\":"
            + "{\"a\":{\"type\":\"STRINGS\"}}}}]}]}"),
        bad("tools[0].functionDeclarations[0].parameters.items.minItems", "{" + USER + ",\"tools\":"
            + "[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"items\":{\"minItems\":\"many\"}}}]}]}"),
        bad("toolConfig.functionCallingConfig.mode", "{" + USER + "," + TOOLS
            + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"REQUIRED\"}}}"),
        bad("toolConfig.functionCallingConfig.allowedFunctionNames[0]", "{" + USER + "," + TOOLS
            + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"g\"]}}}"),
        bad("tool_config.function_calling_config", "{" + USER + "," + TOOLS
            + ",\"tool_config\":{\"function_calling_config\":\"ANY\"}}"),
        bad("generationConfig", "{" + USER + ",\"generationConfig\":[]}"),
        bad("generationConfig.temperature", "{" + USER + ",\"generationConfig\":{\"temperature\":\"hot\"}}"),
        bad("generationConfig.topP", "{" + USER + ",\"generationConfig\":{\"topP\":true}}"),
        bad("generationConfig.temperature", "{" + USER + ",\"generationConfig\":{\"temperature\":2.5}}"),
        bad("generationConfig.topP", "{" + USER + ",\"generationConfig\":{\"topP\":\"1.01\"}}"),
        bad("generationConfig.presencePenalty", "{" + USER + ",\"generationConfig\":{\"presencePenalty\":-3}}"),
        bad("generationConfig.topK", "{" + USER + ",\"generationConfig\":{\"topK\":\"many\"}}"),
        bad("generationConfig.maxOutputTokens", "{" + USER + ",\"generationConfig\":{\"maxOutputTokens\":0}}"),
        bad("generationConfig.maxOutputTokens", "{" + USER + ",\"generationConfig\":{\"maxOutputTokens\":1.5}}"),
        bad("generation_config.max_output_tokens", "{" + USER + ",\"generation_config\":{\"max_output_tokens\":\"lots\"}}"),
        bad("generationConfig.seed", "{" + USER + ",\"generationConfig\":{\"seed\":{}}}"),
        bad("generationConfig.presencePenalty", "{" + USER + ",\"generationConfig\":{\"presencePenalty\":[1]}}"),
        bad("generationConfig.frequencyPenalty", "{" + USER + ",\"generationConfig\":{\"frequencyPenalty\":\"x\"}}"),
        bad("generationConfig.candidateCount", "{" + USER + ",\"generationConfig\":{\"candidateCount\":0}}"),
        bad("generationConfig.candidateCount", "{" + USER + ",\"generationConfig\":{\"candidateCount\":2}}"),
        bad("generationConfig.stopSequences", "{" + USER + ",\"generationConfig\":{\"stopSequences\":\"END\"}}"),
        bad("generationConfig.stopSequences", "{" + USER + ",\"generationConfig\":{\"stopSequences\":"
            + "[\"a\",\"b\",\"c\",\"d\",\"e\"]}}"),
        bad("generationConfig.stopSequences[1]", "{" + USER + ",\"generationConfig\":{\"stopSequences\":[\"END\",3]}}"),
        bad("generationConfig.responseMimeType", "{" + USER + ",\"generationConfig\":{\"responseMimeType\":\"text/x.enum\"}}"),
        bad("generationConfig.responseMimeType", "{" + USER + ",\"generationConfig\":{\"responseMimeType\":1}}"),
        bad("generationConfig.responseJsonSchema", "{" + USER + ",\"generationConfig\":{\"responseSchema\":{},"
            + "\"responseJsonSchema\":{}}}"),
        bad("generationConfig.responseJsonSchema", "{" + USER + ",\"generationConfig\":{\"responseJsonSchema\":\"{}\"}}"),
        bad("generationConfig.responseSchema", "{" + USER + ",\"generationConfig\":{\"responseSchema\":[]}}"),
        bad("generationConfig.responseModalities[0]", "{" + USER + ",\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]}}"),
        bad("generationConfig.thinkingConfig", "{" + USER + ",\"generationConfig\":{\"thinkingConfig\":true}}"),
        bad("generationConfig.thinkingConfig.thinkingLevel", "{" + USER + ",\"generationConfig\":{\"thinkingConfig\":"
            + "{\"thinkingLevel\":\"EXTREME\"}}}"),
        bad("generationConfig.thinkingConfig.thinkingBudget", "{" + USER + ",\"generationConfig\":{\"thinkingConfig\":"
            + "{\"thinkingBudget\":-5}}}"),
        bad("generationConfig.thinkingConfig.thinkingBudget", "{" + USER + ",\"generationConfig\":{\"thinkingConfig\":"
            + "{\"thinkingBudget\":\"big\"}}}"),
        bad("generationConfig.thinkingConfig.includeThoughts", "{" + USER + ",\"generationConfig\":{\"thinkingConfig\":"
            + "{\"includeThoughts\":\"yes\"}}}"));
  }

  private static Arguments bad(String param, String request) {
    return Arguments.of(param, request);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void rejectsNamingTheField(String param, String request) throws Exception {
    ObjectNode req = (ObjectNode) Json.parse(request);
    assertThatThrownBy(() -> GenerateContentToChat.translate(req, "gemini-2.5-flash", false))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          ApiError err = e.error();
          assertThat(err.status()).isEqualTo(400);
          assertThat(err.type()).isEqualTo(ApiError.INVALID_REQUEST);
          assertThat(err.param()).isEqualTo(param);
          assertThat(err.message()).isNotBlank();
          assertThat(GeminiErrorBody.of(err).path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void streamingRequestsAreRefusedTheSameWay(String param, String request) throws Exception {
    ObjectNode req = (ObjectNode) Json.parse(request);
    assertThatThrownBy(() -> GenerateContentToChat.translate(req, "models/gemini-2.5-flash", true))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo(param));
  }
}
