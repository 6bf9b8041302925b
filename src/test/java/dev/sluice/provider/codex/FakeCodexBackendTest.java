package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.fake.FakeCodexBackend;
import dev.sluice.fake.FakeOAuthIssuer;
import dev.sluice.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake enforces the backend's rules, and {@link CodexRequestRules#forBackend} satisfies them. */
class FakeCodexBackendTest {
  static FakeOAuthIssuer issuer;
  static FakeCodexBackend backend;
  static FakeOAuthIssuer.Issued tokens;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    issuer = FakeOAuthIssuer.start(Clock.systemUTC());
    backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
    tokens = issuer.issue(new FakeOAuthIssuer.Identity("acct-x", "x@example.com", "plus"));
  }

  @AfterAll
  static void stop() {
    backend.close();
    issuer.close();
  }

  static HttpResponse<String> send(ObjectNode body, String token, String account) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(backend.baseUrl() + FakeCodexBackend.RESPONSES_PATH))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
        .header("chatgpt-account-id", account).header("originator", "codex_cli_rs")
        .header("session_id", UUID.randomUUID().toString()).header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static ObjectNode valid() {
    ObjectNode b = Json.object().put("model", "gpt-5.3-codex").put("instructions", "x")
        .put("stream", true).put("store", false);
    b.putArray("input").addObject().put("role", "user").put("content", "hi");
    return b;
  }

  static String detail(HttpResponse<String> r) throws Exception {
    return Json.parse(r.body()).path("detail").asText();
  }

  @Test
  void rulesAreEnforced() throws Exception {
    assertThat(send(valid(), tokens.accessToken(), "acct-x").statusCode()).isEqualTo(200);
    HttpResponse<String> r = send(valid().put("stream", false), tokens.accessToken(), "acct-x");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(detail(r)).isEqualTo("Stream must be set to true");
    assertThat(detail(send(valid().put("store", true), tokens.accessToken(), "acct-x")))
        .isEqualTo("Store must be set to false");
    assertThat(detail(send(valid().put("instructions", " "), tokens.accessToken(), "acct-x")))
        .isEqualTo("Instructions are required");
    assertThat(detail(send(valid().put("max_output_tokens", 5), tokens.accessToken(), "acct-x")))
        .isEqualTo("Unsupported parameter: max_output_tokens");
    assertThat(detail(send(valid().put("input", "hi"), tokens.accessToken(), "acct-x")))
        .isEqualTo("Input must be a list");
    assertThat(send(valid(), tokens.accessToken(), "acct-other").statusCode()).isEqualTo(403);
    assertThat(send(valid(), "not-a-token", "acct-x").statusCode()).isEqualTo(401);
  }

  @Test
  void rulesOutputIsAccepted() throws Exception {
    ObjectNode client = Json.object().put("model", "gpt-5.3-codex").put("input", "hi").put("max_output_tokens", 5)
        .put("temperature", 0.1).put("user", "u").put("stream", false);
    HttpResponse<String> r = send(CodexRequestRules.forBackend(client), tokens.accessToken(), "acct-x");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-codex-primary-used-percent")).isPresent();
    assertThat(r.body()).contains("event: response.completed").contains("\"cached_tokens\":8");
  }
}
