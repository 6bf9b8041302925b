package dev.sluice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.e2e.RawHttp;
import dev.sluice.fake.FakeOpenAI.Fault;
import dev.sluice.json.Json;
import io.vertx.core.MultiMap;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw HTTP against Sluice: headers, the error model, SSE framing, faults and cancellation. */
class RelayHttpTest {
  static GatewayHarness h;
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
  static final String CHAT_STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    JsonNode n = Json.MAPPER.readTree(r.body());
    assertThat(n.has("error")).as("error envelope in %s", r.body()).isTrue();
    JsonNode e = n.get("error");
    assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).isTrue();
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    return e;
  }

  @Test
  void healthNeedsNoKey() throws Exception {
    HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(r.body()).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void requestIdIsEchoedAndForwarded() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "X-Request-ID", "my-trace-123");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-request-id")).hasValue("my-trace-123");
    assertThat(h.fake.last().headers().get("X-Request-ID")).isEqualTo("my-trace-123");
  }

  @Test
  void requestIdIsGeneratedWhenAbsent() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(id).startsWith("req_").hasSizeGreaterThan(10);
    assertThat(h.fake.last().headers().get("X-Request-ID")).isEqualTo(id);
  }

  @Test
  void upstreamGetsItsOwnCredentialAndNoClientHeaders() throws Exception {
    h.post("/v1/chat/completions", CHAT, "Cookie", "session=abc", "X-Custom", "1", "OpenAI-Beta", "assistants=v2");
    MultiMap seen = h.fake.last().headers();
    assertThat(seen.get("Authorization")).isEqualTo("Bearer " + GatewayHarness.UPSTREAM_KEY);
    assertThat(seen.get("Cookie")).isNull();
    assertThat(seen.get("X-Custom")).isNull();
    assertThat(seen.get("OpenAI-Beta")).isEqualTo("assistants=v2");
    assertThat(h.fake.last().body()).doesNotContain(GatewayHarness.KEY);
  }

  @Test
  void bodyReachesTheUpstreamByteForByte() throws Exception {
    String body = "{ \"model\" : \"gpt-4o\", \"temperature\": 1.0, \"top_p\": 1e0,\n"
        + "  \"messages\": [{\"role\":\"user\",\"content\":\"caf\u00e9 \\u00e9\"}], \"x_vendor\": {\"k\": [1, 2.50]} }";
    HttpResponse<String> r = h.post("/v1/chat/completions", body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.fake.last().body()).isEqualTo(body);
  }

  @Test
  void missingAndWrongKeysAre401() throws Exception {
    for (HttpResponse<String> r : List.of(
        h.post("/v1/chat/completions", CHAT, "Authorization", ""),
        h.post("/v1/chat/completions", CHAT, "Authorization", "Bearer nope"),
        h.post("/v1/chat/completions", CHAT, "Authorization", "Basic " + GatewayHarness.KEY))) {
      assertThat(r.statusCode()).isEqualTo(401);
      JsonNode e = error(r);
      assertThat(e.path("type").asText()).isEqualTo("authentication_error");
      assertThat(e.path("code").asText()).isEqualTo("invalid_api_key");
      assertThat(r.body()).doesNotContain("nope");
    }
  }

  @Test
  void invalidJsonIs400AndNeverReachesUpstream() throws Exception {
    int before = h.fake.seen.size();
    for (String body : List.of("{not json", "", "[1,2]", "\"str\"", "{\"a\":1} trailing", "null")) {
      HttpResponse<String> r = h.post("/v1/chat/completions", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(error(r).path("type").asText()).isEqualTo("invalid_request_error");
    }
    assertThat(h.fake.seen.size()).isEqualTo(before);
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    String big = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70_000) + "\"}]}";
    HttpResponse<String> r = h.post("/v1/chat/completions", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(error(r).path("code").asText()).isEqualTo("request_too_large");
  }

  @Test
  void unknownPathIs404InTheEnvelope() throws Exception {
    HttpResponse<String> r = h.get("/v1/nothing-here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r).path("type").asText()).isEqualTo("not_found_error");
  }

  @Test
  void unsupportedEndpointsSaySo() throws Exception {
    for (String path : List.of("/v1/fine_tuning/jobs", "/v1/assistants", "/v1/threads/t1/runs", "/v1/batches", "/v1/files", "/api/v1/files/f1")) {
      HttpResponse<String> r = h.post(path, "{}");
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      JsonNode e = error(r);
      assertThat(e.path("code").asText()).isEqualTo("unsupported_endpoint");
      assertThat(e.path("message").asText()).contains("not supported");
    }
  }

  @Test
  void upstream4xxIsRelayedAsItCame() throws Exception {
    h.fake.inject(new Fault.Status(422, "{\"error\":{\"message\":\"bad thing\",\"type\":\"invalid_request_error\",\"param\":\"x\",\"code\":\"weird\"}}",
        MultiMap.caseInsensitiveMultiMap().add("retry-after", "7")));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"bad thing\",\"type\":\"invalid_request_error\",\"param\":\"x\",\"code\":\"weird\"}}");
    assertThat(r.headers().firstValue("retry-after")).hasValue("7");
  }

  @Test
  void upstream429WithRetryAfterIsRelayed() throws Exception {
    h.fake.inject(new Fault.Status(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":null}}",
        MultiMap.caseInsensitiveMultiMap().add("retry-after", "3")));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("3");
  }

  @Test
  void upstream5xxIs502UpstreamError() throws Exception {
    h.fake.inject(Fault.status(503, "overloaded", "server_error"));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(error(r).path("code").asText()).isEqualTo("upstream_error");
  }

  @Test
  void connectionResetIs502Unavailable() throws Exception {
    h.fake.inject(new Fault.Reset());
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(error(r).path("code").asText()).isEqualTo("upstream_unavailable");
  }

  @Test
  void refusedConnectionIs502Unavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (GatewayHarness dead = new GatewayHarness("upstream:\n  base_url: \"http://127.0.0.1:" + port + "\"\n")) {
      HttpResponse<String> r = dead.post("/v1/chat/completions", CHAT);
      assertThat(r.statusCode()).isEqualTo(502);
      JsonNode e = error(r);
      assertThat(e.path("code").asText()).isEqualTo("upstream_unavailable");
      assertThat(e.path("type").asText()).isEqualTo("api_error");
    }
  }

  @Test
  void stalledUpstreamIs504() throws Exception {
    h.fake.inject(new Fault.Stall());
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(error(r).path("code").asText()).isEqualTo("upstream_timeout");
  }

  @Test
  void slowFirstByteWithinTheTimeoutIsServed() throws Exception {
    h.fake.inject(new Fault.SlowFirstByte(300));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void streamHeadersAndFraming() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT_STREAM, "Accept-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(r.headers().firstValue("content-encoding")).isEmpty();
    assertThat(r.headers().firstValue("content-length")).isEmpty();
    String[] events = r.body().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    for (int i = 0; i < events.length - 1; i++) {
      assertThat(events[i]).startsWith("data: {\"id\":\"chatcmpl-fake1\"");
      Json.MAPPER.readTree(events[i].substring(6));
    }
  }

  /** Reads raw SSE from a socket, so the test sees events as they come and can hang up. */
  static Socket openStream(String body, Map<String, String> extraHeaders) throws Exception {
    String[] headers = extraHeaders.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue()))
        .toArray(String[]::new);
    return RawHttp.openPost(h.sluice.port(), "/v1/chat/completions", body, GatewayHarness.KEY, headers);
  }

  static String readUntil(InputStream in, String marker) throws Exception {
    return RawHttp.readUntil(in, marker);
  }

  @Test
  void clientHangUpCancelsTheUpstreamRequest() throws Exception {
    int cancelled = h.fake.cancelledStreams.get();
    int completed = h.fake.completedStreams.get();
    try (Socket s = openStream(CHAT_STREAM.replace("hi there", "[chunks=200] [interval_ms=20]"), Map.of())) {
      String head = readUntil(s.getInputStream(), "w1 ");
      assertThat(head).contains("200 OK").contains("text/event-stream");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (h.fake.cancelledStreams.get() == cancelled && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(h.fake.cancelledStreams.get()).isEqualTo(cancelled + 1);
    assertThat(h.fake.completedStreams.get()).isEqualTo(completed);
  }

  @Test
  void eventsArriveBeforeTheStreamEnds() throws Exception {
    try (Socket s = openStream(CHAT_STREAM.replace("hi there", "[chunks=50] [interval_ms=100]"), Map.of())) {
      long t0 = System.nanoTime();
      readUntil(s.getInputStream(), "w0 ");
      long firstEventMillis = (System.nanoTime() - t0) / 1_000_000;
      // the whole stream takes 5 s; the first content event must come long before that
      assertThat(firstEventMillis).isLessThan(2500);
    }
  }

  @Test
  void upstreamDyingMidStreamEndsWithAnErrorEvent() throws Exception {
    h.fake.inject(new Fault.DropMidStream(2));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT_STREAM);
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>(List.of(r.body().split("\n\n")));
    assertThat(events).hasSize(3);
    JsonNode err = Json.MAPPER.readTree(events.get(2).substring("data: ".length()));
    assertThat(err.path("error").path("code").asText()).isEqualTo("upstream_error");
  }

  @Test
  void upstreamStallingMidStreamEndsWithAnErrorEvent() throws Exception {
    h.fake.inject(new Fault.StallMidStream(1));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT_STREAM);
    String[] events = r.body().split("\n\n");
    assertThat(events).hasSize(2);
    assertThat(Json.MAPPER.readTree(events[1].substring(6)).path("error").path("code").asText()).isEqualTo("upstream_timeout");
  }

  @Test
  void gatewayErrorStyleForCodexGatewayUsers() throws Exception {
    try (GatewayHarness g = new GatewayHarness("errors:\n  style: gateway\n")) {
      HttpResponse<String> r = g.post("/v1/chat/completions", "{bad");
      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode e = error(r);
      assertThat(e.path("type").asText()).isEqualTo("gateway_error");
      assertThat(e.path("code").asText()).isEqualTo("invalid_request");
      assertThat(e.path("message").asText()).isEqualTo("invalid request body json");
    }
  }
}
