package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Endpoint;
import dev.sluice.error.FailureKind;
import dev.sluice.error.GatewayException;
import dev.sluice.fake.FakeGemini;
import dev.sluice.fake.FakeGemini.Fault;
import dev.sluice.json.Json;
import dev.sluice.provider.RelayCall;
import dev.sluice.provider.Reply;
import dev.sluice.provider.UpstreamLink;
import dev.sluice.provider.UpstreamSpec;
import dev.sluice.sse.SseParser;
import dev.sluice.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini's own endpoints through the provider to the fake Gemini API: the client's bytes go as they
 * came to {@code /v1beta/models/{model}:{method}}, the answers (errors included) come back as they came,
 * streams event by event; what the router must know (429, 503, a refused key) is still classified.
 */
class GeminiPassthroughTest {
  Vertx vertx;
  FakeGemini gemini;
  HttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    gemini = FakeGemini.start(vertx);
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    client.close().await();
    gemini.close();
    vertx.close().await();
  }

  GeminiProvider provider(String key) {
    return new GeminiProvider(client, new UpstreamSpec("gem", UpstreamSpec.Type.GEMINI, gemini.baseUrl(), key, 5000,
        5000, Map.of(), Set.of(), "google", "", 0), Clock.systemUTC());
  }

  RelayCall call(Endpoint endpoint, String model, String raw, boolean keepRaw, boolean mayFallBack) throws Exception {
    ObjectNode body = (ObjectNode) Json.parse(raw);
    body.put("model", model);
    UpstreamLink link = UpstreamLink.open(vertx, 5000, () -> { });
    return new RelayCall(endpoint, body, endpoint == Endpoint.STREAM_GENERATE_CONTENT, "req-1", null,
        MultiMap.caseInsensitiveMultiMap(), keepRaw ? Buffer.buffer(raw) : null, link, null, mayFallBack, body);
  }

  static final String BODY = "{ \"contents\": [{\"role\":\"user\",\"parts\":[{\"text\":\"hello gemini\"}]}],"
      + " \"generationConfig\": {\"temperature\": 0.1} }";

  @Test
  void generateContentGoesAndComesAsItCame() throws Exception {
    Reply r = provider(FakeGemini.KEY).send(call(Endpoint.GENERATE_CONTENT, "gemini-2.5-flash", BODY, true, false))
        .await();
    assertThat(gemini.last().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(gemini.last().body()).as("the client's bytes").isEqualTo(BODY);
    Reply.Body b = (Reply.Body) r;
    assertThat(b.status()).isEqualTo(200);
    JsonNode answer = Json.MAPPER.readTree(b.body().getBytes());
    assertThat(answer.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText())
        .isEqualTo("echo: hello gemini");
    assertThat(b.usage()).isEqualTo(new TokenUsage(10, 5, 4, 0));

    // a renamed model: the body without its model member, the new model in the path
    provider(FakeGemini.KEY).send(call(Endpoint.GENERATE_CONTENT, "models/gemini-2.5-pro", BODY, false, false)).await();
    assertThat(gemini.last().path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
    assertThat(gemini.last().json()).isEqualTo(Json.parse(BODY));
  }

  @Test
  void streamsPassEventByEventWithUsage() throws Exception {
    Reply r = provider(FakeGemini.KEY).send(call(Endpoint.STREAM_GENERATE_CONTENT, "gemini-2.5-flash", BODY, true,
        false)).await();
    assertThat(gemini.last().query()).isEqualTo("alt=sse");
    Reply.Stream s = (Reply.Stream) r;
    List<JsonNode> events = new ArrayList<>();
    Promise<Void> done = Promise.promise();
    SseParser parser = new SseParser(ev -> s.mapper().onEvent(ev, out -> {
      String frame = out.toString(StandardCharsets.UTF_8);
      assertThat(frame).startsWith("data: ").endsWith("\n\n");
      try {
        events.add(Json.parse(frame.substring(6).trim()));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }));
    s.source().handler(buf -> parser.feed(buf.getBytes()));
    s.source().endHandler(v -> done.complete());
    s.source().resume();
    done.future().await();
    StringBuilder text = new StringBuilder();
    events.forEach(e -> text.append(e.path("candidates").get(0).path("content").path("parts").get(0).path("text")
        .asText()));
    assertThat(text.toString()).isEqualTo("echo: hello gemini");
    assertThat(events.getLast().path("candidates").get(0).path("finishReason").asText()).isEqualTo("STOP");
    assertThat(s.mapper().usage()).isEqualTo(new TokenUsage(10, 5, 4, 0));
    assertThat(s.mapper().committed()).isTrue();
  }

  @Test
  void countTokensGoesAsItCame() throws Exception {
    Reply.Body b = (Reply.Body) provider(FakeGemini.KEY).send(call(Endpoint.GEMINI_COUNT_TOKENS, "gemini-2.5-flash",
        BODY, true, false)).await();
    assertThat(gemini.last().rpc()).isEqualTo("countTokens");
    assertThat(Json.MAPPER.readTree(b.body().getBytes()).path("totalTokens").asInt()).isEqualTo(3 + 2);
  }

  @Test
  void errorsComeAsTheyCameAndTheRouterStillReadsThem() throws Exception {
    gemini.inject(new Fault.Status(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", null));
    Reply.Body bad = (Reply.Body) provider(FakeGemini.KEY).send(call(Endpoint.GENERATE_CONTENT, "gemini-2.5-flash",
        BODY, true, true)).await();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(bad.body().getBytes()).path("error").path("status").asText())
        .isEqualTo("INVALID_ARGUMENT");

    gemini.inject(Fault.Status.rateLimited("4s"));
    Reply.Body limited = (Reply.Body) provider(FakeGemini.KEY).send(call(Endpoint.GENERATE_CONTENT,
        "gemini-2.5-flash", BODY, true, true)).await();
    assertThat(limited.status()).as("the router falls back on a 429 body").isEqualTo(429);
    assertThat(limited.headers().get("Retry-After")).isEqualTo("4");
    assertThat(Json.MAPPER.readTree(limited.body().getBytes()).path("error").path("details").get(0)
        .path("retryDelay").asText()).isEqualTo("4s");

    gemini.inject(Fault.Status.unavailable());
    Future<Reply> overloaded = provider(FakeGemini.KEY).send(call(Endpoint.STREAM_GENERATE_CONTENT, "gemini-2.5-flash",
        BODY, true, true));
    assertThat(failure(overloaded).kind()).isEqualTo(FailureKind.OVERLOADED);

    gemini.inject(Fault.Status.unavailable());
    Reply.Body last = (Reply.Body) provider(FakeGemini.KEY).send(call(Endpoint.GENERATE_CONTENT, "gemini-2.5-flash",
        BODY, true, false)).await();
    assertThat(last.status()).as("with no other target, Gemini's own 503").isEqualTo(503);

    Future<Reply> refused = provider("wrong-key").send(call(Endpoint.GENERATE_CONTENT, "gemini-2.5-flash", BODY, true,
        false));
    GatewayException e = failure(refused);
    assertThat(e.kind()).isEqualTo(FailureKind.CREDENTIALS);
    assertThat(e.error().message()).doesNotContain("wrong-key");
  }

  static GatewayException failure(Future<Reply> f) {
    try {
      f.await();
    } catch (GatewayException e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }
}
