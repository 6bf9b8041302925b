package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.JsonSerializable;
import com.google.genai.types.GenerateContentResponse;
import dev.sluice.json.Json;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake Gemini API speaks Google's wire format: what other tests and helpers rely on. */
class FakeGeminiTest {
  Vertx vertx;
  FakeGemini gemini;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    gemini = FakeGemini.start(vertx);
  }

  @AfterEach
  void stop() {
    gemini.close();
    vertx.close().await();
  }

  HttpResponse<String> post(String pathAndQuery, String body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gemini.baseUrl() + pathAndQuery))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("x-goog-api-key", key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"one two three\"}]}]}";

  @Test
  void sseIsCrlfFramedAndEachEventIsAWholeResponse() throws Exception {
    HttpResponse<String> r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", HELLO, FakeGemini.KEY);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    assertThat(r.body()).endsWith("\r\n\r\n").doesNotContain("[DONE]");
    StringBuilder text = new StringBuilder();
    String[] events = r.body().split("\r\n\r\n");
    for (String e : events) {
      assertThat(e).startsWith("data: ");
      JsonNode ev = Json.parse(e.substring(6));
      JsonSerializable.fromJsonNode(ev, GenerateContentResponse.class);
      text.append(ev.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText());
    }
    assertThat(text.toString()).isEqualTo("echo: one two three");
    JsonNode last = Json.parse(events[events.length - 1].substring(6));
    assertThat(last.path("candidates").get(0).path("finishReason").asText()).isEqualTo("STOP");
    assertThat(last.path("usageMetadata").path("candidatesTokenCount").asInt()).isEqualTo(5);
  }

  @Test
  void withoutAltSseTheStreamIsOneJsonArray() throws Exception {
    HttpResponse<String> r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", HELLO, FakeGemini.KEY);
    JsonNode array = Json.parse(r.body());
    assertThat(array.isArray()).isTrue();
    assertThat(array.size()).isGreaterThan(1);
    List<String> pieces = new ArrayList<>();
    array.forEach(e -> pieces.add(e.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText()));
    assertThat(String.join("", pieces)).isEqualTo("echo: one two three");
  }

  @Test
  void keysModelsCountsAndRefusals() throws Exception {
    HttpResponse<String> wrong = post("/v1beta/models/gemini-2.5-flash:generateContent", HELLO, "nope");
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("API_KEY_INVALID");
    assertThat(post("/v1beta/models/gemini-2.5-flash:generateContent", HELLO, null).statusCode()).isEqualTo(403);
    assertThat(post("/v1beta/models/gemini-2.5-flash:generateContent?key=" + FakeGemini.KEY, HELLO, null).statusCode())
        .isEqualTo(200);

    HttpResponse<String> count = post("/v1beta/models/gemini-2.5-flash:countTokens", HELLO, FakeGemini.KEY);
    assertThat(Json.parse(count.body()).path("totalTokens").asInt()).isEqualTo(6);

    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(gemini.baseUrl() + "/v1beta/models"))
        .header("x-goog-api-key", FakeGemini.KEY).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(Json.parse(models.body()).path("models").get(0).path("name").asText()).startsWith("models/gemini-");

    HttpResponse<String> badSchema = post("/v1beta/models/gemini-2.5-flash:generateContent", """
        {"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f",
         "parameters":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}}]}]}""",
        FakeGemini.KEY);
    assertThat(badSchema.statusCode()).isEqualTo(400);
    assertThat(Json.parse(badSchema.body()).path("error").path("message").asText())
        .contains("Unknown name \"additionalProperties\"");
    assertThat(post("/v1beta/models/gpt-4o:generateContent", HELLO, FakeGemini.KEY).statusCode()).isEqualTo(404);
  }

  @Test
  void gemini3CallsAreSignedAndTheSignatureIsRequiredBack() throws Exception {
    gemini.script(FakeGemini.reply().call("f", Json.object().put("a", 1)));
    JsonNode answer = Json.parse(post("/v1beta/models/gemini-3-pro-preview:generateContent", HELLO, FakeGemini.KEY).body());
    JsonNode part = answer.path("candidates").get(0).path("content").path("parts").get(0);
    String sig = part.path("thoughtSignature").asText();
    assertThat(sig).isNotEmpty();
    String id = part.path("functionCall").path("id").asText();
    String turn = "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"id\":\"" + id + "\",\"name\":\"f\",\"args\":{\"a\":1}}%s}]},"
        + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"id\":\"" + id + "\",\"name\":\"f\",\"response\":{\"output\":\"ok\"}}}]}";
    String without = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"go\"}]}," + turn.formatted("") + "]}";
    HttpResponse<String> refused = post("/v1beta/models/gemini-3-pro-preview:generateContent", without, FakeGemini.KEY);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("Function call is missing a thought_signature");
    String with = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"go\"}]},"
        + turn.formatted(",\"thoughtSignature\":\"" + sig + "\"") + "]}";
    HttpResponse<String> ok = post("/v1beta/models/gemini-3-pro-preview:generateContent", with, FakeGemini.KEY);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).contains("tool said: ok");
    assertThat(gemini.count("generateContent")).isEqualTo(3);
  }
}
