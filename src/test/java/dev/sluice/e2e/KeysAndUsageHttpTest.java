package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.json.Json;
import dev.sluice.keys.CreatedKey;
import dev.sluice.keys.KeyAuthenticator;
import dev.sluice.storage.Database;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Allowed models and usage records through the running gateway, on SQLite and PostgreSQL. */
class KeysAndUsageHttpTest {
  static String chat(String model, boolean stream, String extra) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + extra
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}";
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void aKeyLimitedToGpt4oSeesAndUsesOnlyGpt4o(Database.Dialect dialect) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(dialect)) {
      CreatedKey key = g.createKey("only 4o", null, List.of("gpt-4o"));
      String auth = "Bearer " + key.secret();

      HttpResponse<String> denied = g.h.post("/v1/chat/completions", chat("gpt-4o-mini", false, ""), "Authorization", auth);
      assertThat(denied.statusCode()).isEqualTo(403);
      JsonNode e = Json.MAPPER.readTree(denied.body()).path("error");
      assertThat(e.path("type").asText()).isEqualTo("permission_error");
      assertThat(e.path("code").asText()).isEqualTo("model_not_allowed");
      assertThat(e.path("message").asText()).isEqualTo("This API key does not have access to model 'gpt-4o-mini'");
      assertThat(g.h.fake.seen).as("a denied request is not forwarded").isEmpty();

      HttpResponse<String> deniedStream = g.h.post("/v1/chat/completions", chat("gpt-4o-mini", true, ""), "Authorization", auth);
      assertThat(deniedStream.statusCode()).isEqualTo(403);
      assertThat(deniedStream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));

      assertThat(g.h.post("/v1/chat/completions", chat("gpt-4o", false, ""), "Authorization", auth).statusCode()).isEqualTo(200);

      HttpResponse<String> models = g.h.get("/v1/models", "Authorization", auth);
      assertThat(models.statusCode()).isEqualTo(200);
      List<String> ids = new ArrayList<>();
      Json.MAPPER.readTree(models.body()).path("data").forEach(m -> ids.add(m.path("id").asText()));
      assertThat(ids).containsExactly("gpt-4o");

      HttpResponse<String> all = g.h.get("/v1/models");
      assertThat(Json.MAPPER.readTree(all.body()).path("data").size()).as("an unrestricted key sees every model").isGreaterThan(1);
    }
  }

  /** Request id → what the row must say. */
  record Expect(String requestId, String endpoint, String model, int status, String errorCode, long prompt,
                long completion, long cached, long reasoning) {
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void everyRequestLeavesOneUsageRowWithTheUpstreamsTokens(Database.Dialect dialect) throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(dialect)) {
      CreatedKey key = g.createKey("usage", null, List.of("gpt-4o", "gpt-5", "text-embedding-3-small", "missing-model",
          "gpt-3.5-turbo-instruct"));
      String auth = "Bearer " + key.secret();
      List<Expect> expected = new ArrayList<>();
      Map<String, String> keyOf = new java.util.HashMap<>();
      record Call(String id, String path, String body, String auth, Expect expect) {
      }
      List<Call> calls = List.of(
          new Call("u-chat", "/v1/chat/completions", chat("gpt-4o", false, ""), auth,
              new Expect("u-chat", "chat/completions", "gpt-4o", 200, null, 10, 3, 2, 1)),
          new Call("u-chat-stream", "/v1/chat/completions", chat("gpt-4o", true, ""), auth,
              new Expect("u-chat-stream", "chat/completions", "gpt-4o", 200, null, 10, 3, 2, 1)),
          new Call("u-chat-stream-usage", "/v1/chat/completions",
              chat("gpt-4o", true, ",\"stream_options\":{\"include_usage\":true}"), auth,
              new Expect("u-chat-stream-usage", "chat/completions", "gpt-4o", 200, null, 10, 3, 2, 1)),
          new Call("u-config-key", "/v1/chat/completions", chat("gpt-4o", false, ""), "Bearer " + GatewayHarness.KEY,
              new Expect("u-config-key", "chat/completions", "gpt-4o", 200, null, 10, 3, 2, 1)),
          new Call("u-responses", "/v1/responses", "{\"model\":\"gpt-5\",\"input\":\"hello\"}", auth,
              new Expect("u-responses", "responses", "gpt-5", 200, null, 10, 4, 0, 0)),
          new Call("u-responses-stream", "/v1/responses", "{\"model\":\"gpt-5\",\"stream\":true,\"input\":\"hello\"}", auth,
              new Expect("u-responses-stream", "responses", "gpt-5", 200, null, 10, 4, 0, 0)),
          new Call("u-completions-stream", "/v1/completions",
              "{\"model\":\"gpt-3.5-turbo-instruct\",\"stream\":true,\"prompt\":\"hello world\"}", auth,
              new Expect("u-completions-stream", "completions", "gpt-3.5-turbo-instruct", 200, null, 5, 3, 2, 1)),
          new Call("u-embeddings", "/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}", auth,
              new Expect("u-embeddings", "embeddings", "text-embedding-3-small", 200, null, 8, 0, 0, 0)),
          new Call("u-upstream-404", "/v1/chat/completions", chat("missing-model", false, ""), auth,
              new Expect("u-upstream-404", "chat/completions", "missing-model", 404, "upstream_404", 0, 0, 0, 0)),
          new Call("u-invalid", "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":\"nope\"}", auth,
              new Expect("u-invalid", "chat/completions", "gpt-4o", 400, null, 0, 0, 0, 0)),
          new Call("u-nul-model", "/v1/chat/completions", chat("gpt-4o\\u0000x", false, ""), "Bearer " + GatewayHarness.KEY,
              new Expect("u-nul-model", "chat/completions", "gpt-4o\uFFFDx", 200, null, 10, 3, 2, 1)),
          new Call("u-long-model", "/v1/chat/completions", chat("\\ud83d\\ude00".repeat(150), false, ""), "Bearer " + GatewayHarness.KEY,
              new Expect("u-long-model", "chat/completions", "\uD83D\uDE00".repeat(100), 200, null, 10, 3, 2, 1)),
          new Call("u-not-allowed", "/v1/chat/completions", chat("gpt-4o-mini", false, ""), auth,
              new Expect("u-not-allowed", "chat/completions", "gpt-4o-mini", 403, "model_not_allowed", 0, 0, 0, 0)));
      for (Call c : calls) {
        HttpResponse<String> r = g.h.post(c.path(), c.body(), "Authorization", c.auth(), "X-Request-ID", c.id());
        assertThat(r.statusCode()).as("%s: %s", c.id(), r.body()).isEqualTo(c.expect().status());
        assertThat(r.headers().firstValue("x-request-id")).hasValue(c.id());
        expected.add(c.expect());
        keyOf.put(c.id(), c.auth().endsWith(GatewayHarness.KEY) ? KeyAuthenticator.CONFIG_KEY_ID : key.key().id());
        if (c.body().contains("\"stream\":true") && !c.body().contains("include_usage") && r.statusCode() == 200
            && c.path().endsWith("chat/completions")) {
          assertThat(r.body()).as("usage the client did not ask for is stripped").doesNotContain("\"usage\":{");
        }
      }

      g.stopSluice();
      List<Map<String, Object>> rows = g.usageRows();
      assertThat(rows).as("one row per request").hasSize(calls.size());
      Map<String, Map<String, Object>> byId = rows.stream()
          .collect(Collectors.toMap(r -> (String) r.get("request_id"), Function.identity()));
      for (Expect x : expected) {
        Map<String, Object> row = byId.get(x.requestId());
        assertThat(row).as("row for %s", x.requestId()).isNotNull();
        assertThat(row.get("key_id")).as("key of %s", x.requestId()).isEqualTo(keyOf.get(x.requestId()));
        assertThat(row.get("endpoint")).isEqualTo(x.endpoint());
        assertThat(row.get("model")).isEqualTo(x.model());
        assertThat(row.get("status")).as("status of %s", x.requestId()).isEqualTo((long) x.status());
        if (x.errorCode() != null) {
          assertThat(row.get("error_code")).isEqualTo(x.errorCode());
        }
        assertThat(List.of(row.get("prompt_tokens"), row.get("completion_tokens"), row.get("cached_tokens"),
            row.get("reasoning_tokens")))
            .as("tokens of %s", x.requestId()).containsExactly(x.prompt(), x.completion(), x.cached(), x.reasoning());
        assertThat((Long) row.get("latency_ms")).isNotNegative();
      }
    }
  }
}
