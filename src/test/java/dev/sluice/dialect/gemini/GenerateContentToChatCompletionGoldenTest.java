package dev.sluice.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dialect.openai.chat.Golden;
import dev.sluice.json.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * golden/gemini/completion/NAME.json: a Gemini response (read by google-genai's
 * {@code GenerateContentResponse}) and the chat completion it becomes (validated by openai-java's
 * {@code ChatCompletion}). Independently of the golden: the usage must follow Gemini's counts, and each
 * tool call id must give back its part's call id and signature.
 */
class GenerateContentToChatCompletionGoldenTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

  @TestFactory
  Stream<DynamicTest> completions() {
    return Golden.cases("gemini/completion", ".json").stream()
        .map(p -> DynamicTest.dynamicTest(Golden.name(p), () -> run(p)));
  }

  private static void run(Path p) throws Exception {
    ObjectNode doc = (ObjectNode) Golden.read(p);
    JsonNode response = doc.get("response");
    GeminiSdk.validResponse(response);
    ObjectNode actual = GenerateContentToChatCompletion.translate(response, doc.path("client_model").asText(), CLOCK,
        Nonces.counting());
    if (Golden.UPDATE) {
      doc.set("completion", actual);
      Golden.write(p, doc);
    }
    assertThat(Json.parse(Json.write(actual))).isEqualTo(doc.get("completion"));

    var completion = OpenAiSdk.completion(actual);
    var usage = completion.usage().orElseThrow();
    JsonNode u = response.path("usageMetadata");
    assertThat(usage.promptTokens()).isEqualTo(u.path("promptTokenCount").asLong()
        + u.path("toolUsePromptTokenCount").asLong());
    assertThat(usage.completionTokens()).isEqualTo(u.path("candidatesTokenCount").asLong()
        + u.path("thoughtsTokenCount").asLong());
    assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens())
        .contains(u.path("cachedContentTokenCount").asLong());
    assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens())
        .contains(u.path("thoughtsTokenCount").asLong());

    List<String[]> calls = new ArrayList<>();
    for (JsonNode c : response.path("candidates")) {
      for (JsonNode part : c.path("content").path("parts")) {
        if (part.has("functionCall")) {
          calls.add(new String[] {part.path("functionCall").path("id").asText(null),
              part.path("thoughtSignature").asText(null)});
        }
      }
    }
    List<String> ids = completion.choices().stream().flatMap(ch -> ch.message().toolCalls().orElse(List.of()).stream())
        .map(tc -> tc.asFunction().id()).toList();
    assertThat(ids).hasSize(calls.size());
    for (int i = 0; i < ids.size(); i++) {
      ToolCallIds.Decoded d = ToolCallIds.decode(ids.get(i));
      assertThat(d.geminiId()).isEqualTo(calls.get(i)[0]);
      assertThat(d.signature()).isEqualTo(calls.get(i)[1]);
      assertThat(ids.get(i)).matches("call_[A-Za-z0-9_-]+");
    }
  }
}
