package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI;
import dev.sluice.json.Json;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each base path speaks its seed's contract (issue 16): {@code /v1} OpenAI's (seeds 000, 001, 002),
 * {@code /api/v1} the platform's (seed 003), over real HTTP in front of the fake OpenAI API.
 */
class ContractsHttpTest {
  static final String ADMIN = "adm-contracts-0123456789";
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    return json(r).path("error");
  }

  /** The JSON data of every {@code data:} line but [DONE]. */
  static List<JsonNode> chunks(HttpResponse<String> r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        out.add(Json.MAPPER.readTree(line.substring(6)));
      }
    }
    return out;
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SeedOneResponseFields {
    GatewayHarness h;

    @BeforeAll
    void start() {
      h = new GatewayHarness();
    }

    @AfterAll
    void stop() {
      h.close();
    }

    @Test
    void chatCompletionUsageCarriesTheCacheCountsAndNoFingerprint() throws Exception {
      for (String base : List.of("/v1", "/api/v1")) {
        HttpResponse<String> r = h.post(base + "/chat/completions", CHAT);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.has("system_fingerprint")).as("upstream's fingerprint is not exposed").isFalse();
        JsonNode usage = body.path("usage");
        assertThat(usage.path("cache_read_input_tokens").isIntegralNumber()).isTrue();
        assertThat(usage.path("cache_read_input_tokens").asLong())
            .isEqualTo(usage.path("prompt_tokens_details").path("cached_tokens").asLong())
            .isPositive();
        assertThat(usage.path("cache_creation_input_tokens").isIntegralNumber()).isTrue();
        assertThat(usage.path("cache_creation_input_tokens").asLong()).isZero();
      }
    }

    @Test
    void theIncludeUsageChunkCarriesThemAndNoChunkHasAFingerprint() throws Exception {
      HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,"
          + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}");
      assertThat(r.statusCode()).isEqualTo(200);
      List<JsonNode> chunks = chunks(r);
      assertThat(chunks).hasSizeGreaterThan(2).noneMatch(c -> c.has("system_fingerprint"));
      JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
      assertThat(usage.path("cache_read_input_tokens").asLong(-1))
          .isEqualTo(usage.path("prompt_tokens_details").path("cached_tokens").asLong());
      assertThat(usage.path("cache_creation_input_tokens").asLong(-1)).isZero();
      assertThat(r.body()).doesNotContain(FakeOpenAI.SYSTEM_FINGERPRINT);
    }

    @Test
    void otherEndpointsPassAsTheyCame() throws Exception {
      HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"gpt-4o\",\"prompt\":\"hi\"}");
      assertThat(json(r).path("usage").has("cache_read_input_tokens")).isFalse();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SeedThreeRateLimitsAndErrors {
    GatewayHarness h;
    String freeKey;
    String gptOnlyKey;

    @BeforeAll
    void start() throws Exception {
      h = new GatewayHarness("""
          auth:
            admin_api_key: "%s"
          """.formatted(ADMIN));
      freeKey = createKey("{\"name\":\"free\",\"plan\":\"free\"}");
      gptOnlyKey = createKey("{\"name\":\"only\",\"models\":[\"gpt-4o\"],\"plan\":\"standard\"}");
    }

    String createKey(String spec) throws Exception {
      HttpResponse<String> created = AdminAndSecretsHttpTest.admin(h, "POST", "/admin/keys", spec, ADMIN);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      return json(created).path("key").asText();
    }

    @AfterAll
    void stop() {
      h.close();
    }

    @Test
    void platformResetIsEpochSecondsWhileV1KeepsOpenAisDuration() throws Exception {
      long before = Instant.now().getEpochSecond();
      HttpResponse<String> platform = h.post("/api/v1/chat/completions", CHAT, "Authorization", "Bearer " + freeKey);
      assertThat(platform.statusCode()).isEqualTo(200);
      assertThat(platform.headers().firstValue("X-RateLimit-Limit-Requests")).hasValue("10");
      assertThat(platform.headers().firstValue("X-RateLimit-Remaining-Requests")).hasValue("9");
      long reset = Long.parseLong(platform.headers().firstValue("X-RateLimit-Reset-Requests").orElseThrow());
      assertThat(reset).isBetween(before, before + 61);

      HttpResponse<String> openai = h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + freeKey);
      assertThat(openai.headers().firstValue("x-ratelimit-reset-requests").orElseThrow()).matches("\\d+(\\.\\d+)?(ms|s)");
      assertThat(openai.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("8");
    }

    @Test
    void imagesHaveTheirOwnPlanBudgetAndTheRejectionSpeaksThePlatformContract() throws Exception {
      String key = createKey("{\"name\":\"img\",\"plan\":\"free\"}");
      String body = "{\"model\":\"dall-e-3\",\"prompt\":\"a cat\"}";
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> ok = h.post("/api/v1/images/generations", body, "Authorization", "Bearer " + key);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-RateLimit-Limit-Requests")).hasValue("5");
      }
      long now = Instant.now().getEpochSecond();
      HttpResponse<String> limited = h.post("/api/v1/images/generations", body, "Authorization", "Bearer " + key);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(error(limited).path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(limited.headers().firstValue("X-RateLimit-Remaining-Requests")).hasValue("0");
      assertThat(Long.parseLong(limited.headers().firstValue("X-RateLimit-Reset-Requests").orElseThrow()))
          .isBetween(now, now + 61);
      HttpResponse<String> chat = h.post("/api/v1/chat/completions", CHAT, "Authorization", "Bearer " + key);
      assertThat(chat.statusCode()).as("chat has its own budget").isEqualTo(200);
    }

    @Test
    void unauthenticatedIsTheTablesAuthenticationError() throws Exception {
      HttpResponse<String> platform = h.post("/api/v1/chat/completions", CHAT, "Authorization", "Bearer sk-wrong");
      assertThat(platform.statusCode()).isEqualTo(401);
      assertThat(error(platform).path("type").asText()).isEqualTo("authentication_error");
      assertThat(error(platform).path("message").asText()).isEqualTo("Invalid API key provided.");
      assertThat(error(platform).path("code").asText()).isEqualTo("invalid_api_key");
      HttpResponse<String> openai = h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer sk-wrong");
      assertThat(error(openai).path("message").asText()).as("codex-gateway's wording on /v1").isEqualTo("invalid api key");
    }

    @Test
    void aModelOffTheKeysPlanIsAPermissionErrorWithTheDocumentedMessage() throws Exception {
      for (String base : List.of("/v1", "/api/v1")) {
        HttpResponse<String> r = h.post(base + "/chat/completions", CHAT.replace("gpt-4o", "gpt-5.2"),
            "Authorization", "Bearer " + gptOnlyKey);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r).path("type").asText()).isEqualTo("permission_error");
        assertThat(error(r).path("code").asText()).isEqualTo("model_not_allowed");
        assertThat(error(r).path("message").asText()).isEqualTo("This API key does not have access to model 'gpt-5.2'");
      }
    }

    @Test
    void missingModelsAndResourcesAreNotFoundErrors() throws Exception {
      HttpResponse<String> model = h.post("/api/v1/chat/completions", CHAT.replace("gpt-4o", "missing-model"));
      assertThat(model.statusCode()).isEqualTo(404);
      assertThat(error(model).path("type").asText()).isEqualTo("not_found_error");
      assertThat(error(model).path("code").asText()).as("the upstream's code is kept").isEqualTo("model_not_found");
      HttpResponse<String> sameOnV1 = h.post("/v1/chat/completions", CHAT.replace("gpt-4o", "missing-model"));
      assertThat(error(sameOnV1).path("type").asText()).as("relayed as it came on /v1").isEqualTo("invalid_request_error");

      HttpResponse<String> unsupported = h.get("/api/v1/files");
      assertThat(unsupported.statusCode()).isEqualTo(404);
      assertThat(error(unsupported).path("type").asText()).isEqualTo("not_found_error");
      assertThat(error(h.get("/v1/files")).path("type").asText()).isEqualTo("invalid_request_error");
      HttpResponse<String> beta = h.post("/api/v1beta/cachedContents", "{}");
      assertThat(beta.statusCode()).isEqualTo(404);
      assertThat(error(beta).path("status").asText()).as("Gemini's surface answers in Google's shape")
          .isEqualTo("NOT_FOUND");
    }

    @Test
    void malformedBodiesAreInvalidRequestErrors() throws Exception {
      HttpResponse<String> r = h.post("/api/v1/chat/completions", "{ ... }");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(error(r).path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void anUnreachableUpstreamIsServiceUnavailable() throws Exception {
      h.fake.inject(new FakeOpenAI.Fault.Reset());
      HttpResponse<String> platform = h.post("/api/v1/chat/completions", CHAT);
      assertThat(platform.statusCode()).isEqualTo(503);
      assertThat(error(platform).path("type").asText()).isEqualTo("service_unavailable_error");
      h.fake.inject(new FakeOpenAI.Fault.Reset());
      HttpResponse<String> openai = h.post("/v1/chat/completions", CHAT);
      assertThat(openai.statusCode()).isEqualTo(502);
      assertThat(error(openai).path("type").asText()).isEqualTo("api_error");
      assertThat(error(openai).path("code").asText()).isEqualTo(error(platform).path("code").asText());
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SeedThreeImages {
    GatewayHarness h;

    @BeforeAll
    void start() {
      h = new GatewayHarness();
    }

    @AfterAll
    void stop() {
      h.close();
    }

    HttpResponse<String> generate(String body) throws Exception {
      return h.post("/api/v1/images/generations", body);
    }

    void rejects(String body, String param) throws Exception {
      HttpResponse<String> r = generate(body);
      assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(400);
      assertThat(error(r).path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error(r).path("param").asText()).isEqualTo(param);
    }

    @Test
    void everyParameterOutsideThePageIsA400NamingIt() throws Exception {
      rejects("{\"prompt\":\"a cat\"}", "model");
      rejects("{\"model\":\"dall-e-3\"}", "prompt");
      rejects("{\"model\":\"dall-e-3\",\"prompt\":\"" + "x".repeat(4001) + "\"}", "prompt");
      rejects("{\"model\":\"dall-e-3\",\"prompt\":\"a\",\"size\":\"1536x1024\"}", "size");
      rejects("{\"model\":\"dall-e-3\",\"prompt\":\"a\",\"quality\":\"high\"}", "quality");
      rejects("{\"model\":\"dall-e-2\",\"prompt\":\"a\",\"quality\":\"hd\"}", "quality");
      rejects("{\"model\":\"dall-e-3\",\"prompt\":\"a\",\"n\":5}", "n");
      rejects("{\"model\":\"dall-e-3\",\"prompt\":\"a\",\"n\":0}", "n");
      rejects("{\"model\":\"dall-e-3\",\"prompt\":\"a\",\"response_format\":\"png\"}", "response_format");
    }

    @Test
    void openAisContractOnV1LetsTheModelBeLeftOut() throws Exception {
      assertThat(h.post("/v1/images/generations", "{\"prompt\":\"a cat\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void answersCarryCreatedAndUrlOrBase64WithTheRevisedPrompt() throws Exception {
      for (String size : List.of("256x256", "512x512", "1024x1024", "1792x1024", "1024x1792")) {
        HttpResponse<String> r = generate("{\"model\":\"dall-e-3\",\"prompt\":\"a cat\",\"quality\":\"hd\",\"n\":2,"
            + "\"size\":\"" + size + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("created").isIntegralNumber()).isTrue();
        assertThat(body.path("data")).hasSize(2);
        assertThat(body.path("data").get(0).path("url").asText()).startsWith("https://");
        assertThat(body.path("data").get(0).path("revised_prompt").asText()).isEqualTo("a cat");
      }
      JsonNode b64 = json(generate("{\"model\":\"dall-e-2\",\"prompt\":\"a dog\",\"response_format\":\"b64_json\"}"));
      assertThat(b64.path("data").get(0).path("b64_json").asText()).isNotEmpty();
      assertThat(b64.path("data").get(0).has("url")).isFalse();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SeedTwoChatDetails {
    GatewayHarness h;

    @BeforeAll
    void start() {
      h = new GatewayHarness();
    }

    @AfterAll
    void stop() {
      h.close();
    }

    @Test
    void systemAndDeveloperMessagesAreTextOnly() throws Exception {
      for (String role : List.of("system", "developer")) {
        HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\""
            + role + "\",\"content\":[{\"type\":\"text\",\"text\":\"be brief\"},{\"type\":\"image_url\","
            + "\"image_url\":{\"url\":\"https://x/y.png\"}}]},{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(r).path("param").asText()).isEqualTo("messages[0].content[1].type");
      }
      HttpResponse<String> user = h.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":"
          + "\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}");
      assertThat(user.statusCode()).as("images are fine in user messages").isEqualTo(200);
    }
  }
}
