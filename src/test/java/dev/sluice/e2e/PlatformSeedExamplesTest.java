package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import dev.sluice.GatewayHarness;
import dev.sluice.json.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Seed 003's request examples (the platform's API reference), host replaced by the gateway's
 * {@code /api/v1}, in front of the fake OpenAI API: the curl snippets as HTTP requests, the Python and
 * Node snippets (the same calls through the openai SDKs) as openai-java calls, each answered in the
 * shape the page shows.
 *
 * <p>Seed 001 has no request example to run (it is a table of supported fields); its response fields are
 * asserted by {@link ContractsHttpTest}. Seeds 000 and 002 are Codex-backed: {@code CodexSeedExamplesTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformSeedExamplesTest {
  static final String CHAT_EXAMPLE = """
      {
        "model": "gpt-4o",
        "messages": [
          { "role": "system", "content": "You are a helpful assistant." },
          { "role": "user", "content": "What is the capital of France?" }
        ],
        "temperature": 0.7,
        "max_tokens": 512,
        "stream": false
      }""";
  static final String IMAGE_EXAMPLE = """
      {
        "model": "dall-e-3",
        "prompt": "A photorealistic cat sitting on a rooftop at sunset",
        "size": "1024x1024",
        "quality": "standard",
        "n": 1
      }""";

  GatewayHarness h;
  OpenAIClient sdk;

  @BeforeAll
  void start() {
    h = new GatewayHarness();
    sdk = OpenAIOkHttpClient.builder().baseUrl(h.baseUrl() + "/api/v1").apiKey(GatewayHarness.KEY).maxRetries(0).build();
  }

  @AfterAll
  void stop() {
    sdk.close();
    h.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** The page's chat completion response. */
  static void assertChatCompletion(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode c = json(r);
    assertThat(c.path("id").asText()).isNotEmpty();
    assertThat(c.path("object").asText()).isEqualTo("chat.completion");
    assertThat(c.path("created").isIntegralNumber()).isTrue();
    assertThat(c.path("model").asText()).isEqualTo("gpt-4o");
    JsonNode choice = c.path("choices").get(0);
    assertThat(choice.path("index").asInt(-1)).isZero();
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isNotEmpty();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    JsonNode u = c.path("usage");
    assertThat(u.path("total_tokens").asLong()).isEqualTo(u.path("prompt_tokens").asLong() + u.path("completion_tokens").asLong());
  }

  @Test
  void quickStart() throws Exception {
    assertChatCompletion(h.post("/api/v1/chat/completions", """
        {
          "model": "gpt-4o",
          "messages": [
            { "role": "user", "content": "Hello!" }
          ]
        }"""));
  }

  @Test
  void authenticationExampleElidesItsBody() throws Exception {
    // The page's body is literally '{ ... }', a placeholder: it is not JSON, so it cannot work as written
    // and gets the table's 400 invalid_request_error; the header it shows is what authenticates.
    HttpResponse<String> r = h.post("/api/v1/chat/completions", "{ ... }");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void chatCompletionCurl() throws Exception {
    assertChatCompletion(h.post("/api/v1/chat/completions", CHAT_EXAMPLE));
    JsonNode sent = Json.MAPPER.readTree(h.fake.last().body());
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.7);
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(512);
  }

  @Test
  void chatCompletionPythonAndNode() {
    ChatCompletion response = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o")
        .addSystemMessage("You are a helpful assistant.")
        .addUserMessage("What is the capital of France?")
        .temperature(0.7)
        .maxTokens(512)
        .build());
    assertThat(response.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).isNotEmpty());
    assertThat(response._object_().asString()).hasValue("chat.completion");
  }

  @Test
  void imageGenerationCurl() throws Exception {
    HttpResponse<String> r = h.post("/api/v1/images/generations", IMAGE_EXAMPLE);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("created").isIntegralNumber()).isTrue();
    assertThat(body.path("data")).hasSize(1);
    assertThat(body.path("data").get(0).path("url").asText()).startsWith("https://");
    assertThat(body.path("data").get(0).path("revised_prompt").asText()).isNotEmpty();
  }

  @Test
  void imageGenerationPythonAndNode() {
    ImagesResponse response = sdk.images().generate(ImageGenerateParams.builder()
        .model("dall-e-3")
        .prompt("A photorealistic cat sitting on a rooftop at sunset")
        .size(ImageGenerateParams.Size._1024X1024)
        .quality(ImageGenerateParams.Quality.STANDARD)
        .n(1)
        .build());
    assertThat(response.data().orElseThrow().get(0).url()).hasValueSatisfying(u -> assertThat(u).startsWith("https://"));
    assertThat(response.created()).isPositive();
  }

  @Test
  void listModels() throws Exception {
    HttpResponse<String> r = h.get("/api/v1/models");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("data")).isNotEmpty().allSatisfy(m -> {
      assertThat(m.path("id").asText()).isNotEmpty();
      assertThat(m.path("object").asText()).isEqualTo("model");
      assertThat(m.path("owned_by").asText()).isNotEmpty();
    });
    assertThat(sdk.models().list().data()).isNotEmpty();
  }

  @Test
  void geminiGenerateContentExampleGetsAGeminiResponse() throws Exception {
    // seed 003's example, key in x-goog-api-key, served here by an OpenAI-compatible upstream through chat
    HttpResponse<String> r = h.post("/api/v1beta/models/gemini-2.5-pro:generateContent", """
        {
          "contents": [
            {
              "parts": [{ "text": "Explain quantum entanglement simply." }]
            }
          ]
        }""", "Authorization", "", "x-goog-api-key", GatewayHarness.KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode candidate = json(r).path("candidates").path(0);
    assertThat(candidate.path("content").path("role").asText()).isEqualTo("model");
    assertThat(candidate.path("content").path("parts").path(0).path("text").asText())
        .isEqualTo("echo: Explain quantum entanglement simply.");
    assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
    JsonNode usage = json(r).path("usageMetadata");
    assertThat(usage.path("totalTokenCount").asLong())
        .isEqualTo(usage.path("promptTokenCount").asLong() + usage.path("candidatesTokenCount").asLong()
            + usage.path("thoughtsTokenCount").asLong());
    assertThat(h.fake.last().json().path("model").asText()).isEqualTo("gemini-2.5-pro");
  }
}
