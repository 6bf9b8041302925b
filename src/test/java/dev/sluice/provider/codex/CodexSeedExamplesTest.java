package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The request examples of the two Codex-backed seeds, as written (host replaced), on {@code /v1} in
 * front of the fake Codex backend: seed 000 (codex-gateway's openapi.yaml: its {@code examples} and
 * {@code example} values) and seed 002 (codex-lb's chat completions page: its curl snippets), each
 * answered in the shape the seed documents. Seed 002's examples name {@code gpt-4.1}: the fake backend
 * serves any model name, as the gateway forwards it unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodexSeedExamplesTest {
  CodexHarness h;

  @BeforeAll
  void start() {
    h = new CodexHarness("acct-seeds");
  }

  @AfterAll
  void stop() {
    h.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  static List<JsonNode> chunks(HttpResponse<String> r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        out.add(Json.MAPPER.readTree(line.substring(6)));
      }
    }
    return out;
  }

  /** seed 000's ChatCompletionResponse (and seed 002's chat.completion object). */
  static void assertChatCompletion(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode c = json(r);
    assertThat(c.path("id").asText()).isNotEmpty();
    assertThat(c.path("object").asText()).isEqualTo("chat.completion");
    assertThat(c.path("created").isIntegralNumber()).isTrue();
    assertThat(c.path("model").asText()).isNotEmpty();
    assertThat(c.path("choices")).hasSize(1);
    assertThat(c.path("choices").get(0).path("index").asInt(-1)).isZero();
    assertThat(c.path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(c.path("choices").get(0).path("finish_reason").asText()).isIn("stop", "tool_calls");
    for (String f : List.of("prompt_tokens", "completion_tokens", "total_tokens", "cache_read_input_tokens",
        "cache_creation_input_tokens")) {
      assertThat(c.path("usage").path(f).isIntegralNumber()).as(f).isTrue();
    }
    assertThat(c.path("usage").path("cache_read_input_tokens").asLong())
        .isEqualTo(c.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong());
    assertThat(c.has("system_fingerprint")).isFalse();
  }

  /** seed 000's text/event-stream example: chunks, then {@code data: [DONE]}. */
  static List<JsonNode> assertChatStream(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    assertThat(r.body().strip()).endsWith("data: [DONE]");
    List<JsonNode> chunks = chunks(r);
    assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
    assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
    assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").isTextual()).isTrue());
    return chunks;
  }

  // ---- seed 000: codex-gateway ------------------------------------------------------------------

  @Test
  void seed000HealthAndModels() throws Exception {
    HttpResponse<String> health = h.http.send(HttpRequest.newBuilder(
        URI.create(h.baseUrl() + "/healthz")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).path("status").asText()).isEqualTo("ok");
    assertThat(health.headers().firstValue("X-Request-ID")).isPresent();
    JsonNode models = json(h.get("/v1/models"));
    assertThat(models.path("object").asText()).isEqualTo("list");
    assertThat(models.path("data")).isNotEmpty().allSatisfy(m -> {
      assertThat(m.path("object").asText()).isEqualTo("model");
      assertThat(m.path("id").asText()).isNotEmpty();
      assertThat(m.path("owned_by").asText()).isNotEmpty();
      assertThat(m.path("created").isIntegralNumber()).isTrue();
    });
  }

  @Test
  void seed000ChatNonStreamAndStream() throws Exception {
    assertChatCompletion(h.post("/v1/chat/completions", """
        {"model":"gpt-5.3-codex","messages":[{"role":"user","content":"Reply with exactly: hello"}],"stream":false}"""));
    assertChatStream(h.post("/v1/chat/completions", """
        {"model":"gpt-5.3-codex","messages":[{"role":"user","content":"Say hello"}],"stream":true}"""));
  }

  @Test
  void seed000ResponsesNonStreamAndStream() throws Exception {
    HttpResponse<String> plain = h.post("/v1/responses", """
        {"model":"gpt-5.3-codex","input":"hello","stream":false}""");
    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    JsonNode r = json(plain);
    assertThat(r.path("object").asText()).isEqualTo("response");
    assertThat(r.path("output")).anySatisfy(item -> {
      assertThat(item.path("type").asText()).isEqualTo("message");
      assertThat(item.path("content").path(0).path("type").asText()).isEqualTo("output_text");
    });
    HttpResponse<String> stream = h.post("/v1/responses", """
        {"model":"gpt-5.3-codex","input":[{"role":"user","content":"Say hello"}],"stream":true}""");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    assertThat(stream.body()).contains("response.completed");
  }

  @Test
  void seed000InvalidJsonIsA400() throws Exception {
    HttpResponse<String> r = h.post("/v1/responses", "{not json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("invalid_request");
  }

  // ---- seed 002: chat details -------------------------------------------------------------------

  @Test
  void seed002ThePlaceholderExampleCannotWorkAsWritten() throws Exception {
    // The page's request template has "<string>" for the model, empty objects for messages, tools and
    // stream_options, and 123 for every number: not a request any server accepts. It gets a 400 naming the
    // first field the pinned rules reject.
    HttpResponse<String> r = h.post("/v1/chat/completions", """
        {"model":"<string>","messages":[{}],"tools":[{}],"tool_choice":{},"parallel_tool_calls":true,
         "stream":true,"stream_options":{},"temperature":123,"top_p":123,"max_tokens":123,
         "max_completion_tokens":123,"response_format":{},"stop":{},"presence_penalty":123,
         "frequency_penalty":123,"logprobs":true,"top_logprobs":123,"seed":123,"n":123}""");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(json(r).path("error").path("param").asText()).isNotEmpty();
  }

  @Test
  void seed002BasicStreamingAndUsageExamples() throws Exception {
    assertChatCompletion(h.post("/v1/chat/completions", """
        {"model":"gpt-4.1","messages":[{"role":"user","content":"What is the capital of France?"}]}"""));
    List<JsonNode> plain = assertChatStream(h.post("/v1/chat/completions", """
        {"model":"gpt-4.1","messages":[{"role":"user","content":"Write a haiku about coding"}],"stream":true}"""));
    assertThat(plain).noneMatch(c -> c.hasNonNull("usage"));
    List<JsonNode> withUsage = assertChatStream(h.post("/v1/chat/completions", """
        {"model":"gpt-5.2","messages":[{"role":"user","content":"Explain quantum computing"}],"stream":true,
         "stream_options":{"include_usage":true}}"""));
    JsonNode usage = withUsage.get(withUsage.size() - 1).path("usage");
    assertThat(usage.path("total_tokens").asLong()).isPositive();
    assertThat(usage.path("cache_read_input_tokens").asLong())
        .isEqualTo(usage.path("prompt_tokens_details").path("cached_tokens").asLong());
    assertThat(usage.path("cache_creation_input_tokens").isIntegralNumber()).isTrue();
  }

  @Test
  void seed002ToolsWebSearchStructuredOutputAndSystemExamples() throws Exception {
    assertChatCompletion(h.post("/v1/chat/completions", """
        {"model":"gpt-4.1","messages":[{"role":"user","content":"What is the weather in San Francisco?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Get current weather for a location",
           "parameters":{"type":"object","properties":{"location":{"type":"string","description":"City name"}},
           "required":["location"]}}}],"tool_choice":"auto"}"""));
    assertThat(h.backend.last().body().path("tools").get(0).path("name").asText()).isEqualTo("get_weather");
    assertChatCompletion(h.post("/v1/chat/completions", """
        {"model":"gpt-4.1","messages":[{"role":"user","content":"What are the latest news about AI?"}],
         "tools":[{"type":"web_search"}]}"""));
    assertThat(h.backend.last().body().path("tools").get(0).path("type").asText()).isEqualTo("web_search");
    assertChatCompletion(h.post("/v1/chat/completions", """
        {"model":"gpt-4.1","messages":[{"role":"user","content":"Generate a person profile"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"person_profile","schema":{"type":"object",
           "properties":{"name":{"type":"string"},"age":{"type":"number"},"city":{"type":"string"}},
           "required":["name","age"]},"strict":true}}}"""));
    assertThat(h.backend.last().body().path("text").path("format").path("name").asText()).isEqualTo("person_profile");
    assertChatCompletion(h.post("/v1/chat/completions", """
        {"model":"gpt-4.1","messages":[{"role":"system","content":"You are a helpful math tutor."},
         {"role":"user","content":"What is 25 * 4?"}]}"""));
    assertThat(h.backend.last().body().path("instructions").asText()).isEqualTo("You are a helpful math tutor.");
  }

  @Test
  void seed002ModelOutsideAllowedModelsAnswersTheDocumentedMessageAndCode() throws Exception {
    try (CodexHarness limited = new CodexHarness(List.of("acct-limited"), """
        auth:
          admin_api_key: "adm-seeds-0123456789"
        """)) {
      HttpResponse<String> created = limited.http.send(HttpRequest.newBuilder(
              URI.create(limited.baseUrl() + "/admin/keys"))
          .header("Authorization", "Bearer adm-seeds-0123456789").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"k\",\"models\":[\"gpt-4.1\"]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String key = json(created).path("key").asText();
      HttpResponse<String> r = limited.http.send(HttpRequest.newBuilder(
              URI.create(limited.baseUrl() + "/v1/chat/completions"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"gpt-5.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(403);
      JsonNode err = json(r).path("error");
      assertThat(err.path("message").asText()).isEqualTo("This API key does not have access to model 'gpt-5.2'");
      assertThat(err.path("code").asText()).isEqualTo("model_not_allowed");
    }
  }

  @Test
  void seed002IncludeObfuscationIsHonouredTowardTheBackend() throws Exception {
    for (boolean obfuscate : List.of(false, true)) {
      assertChatStream(h.post("/v1/chat/completions", """
          {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"stream":true,
           "stream_options":{"include_usage":true,"include_obfuscation":%s}}""".formatted(obfuscate)));
      JsonNode sent = h.backend.last().body().path("stream_options");
      assertThat(sent.path("include_obfuscation").isBoolean()).isTrue();
      assertThat(sent.path("include_obfuscation").booleanValue()).isEqualTo(obfuscate);
      assertThat(sent.has("include_usage")).as("not a Responses option").isFalse();
    }
    h.post("/v1/chat/completions", "{\"model\":\"gpt-5.2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(h.backend.last().body().has("stream_options")).as("nothing asked, nothing sent").isFalse();
  }
}
