package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.GatewayHarness;
import dev.sluice.fake.FakeOpenAI.Fault;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import io.vertx.core.MultiMap;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * What a client sees in each phase of an upstream request (waiting for headers, reading a body,
 * relaying a stream) when the upstream goes silent, the client hangs up or the gateway stops: the
 * timeout fires in every phase, a hang-up cancels the upstream request in every phase, and the usage
 * row says what happened. The harness's upstream timeout is 2 s.
 */
class UpstreamPhasesHttpTest {
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
  static final String CHAT_STREAM =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
  static final String RESPONSES = "{\"model\":\"gpt-5\",\"input\":\"hello\"}";
  static final String RESPONSES_STREAM = "{\"model\":\"gpt-5\",\"stream\":true,\"input\":\"hello\"}";

  @Test
  void anUpstreamSilentAfterItsHeadersIsGivenUpOnAtTheTimeout() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      for (String[] c : new String[][] {{"/v1/chat/completions", CHAT}, {"/v1/responses", RESPONSES}}) {
        g.h.fake.inject(new Fault.HeadersThenStall());
        long t0 = System.nanoTime();
        HttpResponse<String> r = g.h.post(c[0], c[1]);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(c[0]).isEqualTo(504);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(millis).as("answered at the 2 s timeout, not when the upstream closes").isBetween(1_500L, 6_000L);
      }
      g.h.fake.inject(new Fault.HeadersThenStall());
      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT_STREAM);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("data: ");
      JsonNode err = Json.MAPPER.readTree(r.body().trim().substring("data: ".length()));
      assertThat(err.path("error").path("code").asText()).isEqualTo("upstream_timeout");
      g.stopSluice();
      assertThat(g.usageRows()).extracting(row -> row.get("status")).containsExactly(504L, 504L, 504L);
    }
  }

  @Test
  void aClientHangingUpCancelsTheUpstreamRequestInEveryPhase() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      record Phase(String name, Fault fault, String body) {
      }
      List<Phase> phases = List.of(
          new Phase("JSON, waiting for headers", new Fault.Stall(), CHAT),
          new Phase("JSON, headers in, body awaited", new Fault.HeadersThenStall(), CHAT),
          new Phase("stream, waiting for headers", new Fault.Stall(), CHAT_STREAM),
          new Phase("stream, headers in, first event awaited", new Fault.HeadersThenStall(), CHAT_STREAM));
      for (Phase p : phases) {
        int before = g.h.fake.abandoned.get();
        g.h.fake.inject(p.fault());
        try (Socket s = open(g.h, "/v1/chat/completions", p.body(), "X-Request-ID", "hangup-" + phases.indexOf(p))) {
          Thread.sleep(300);
          assertThat(g.h.fake.abandoned.get()).as("%s: still running upstream", p.name()).isEqualTo(before);
        }
        // well before the 2 s upstream timeout could have ended it
        assertThat(awaitCount(g.h.fake.abandoned::get, before, 1, 1_200)).as(p.name()).isEqualTo(before + 1);
      }
      g.stopSluice();
      List<Map<String, Object>> rows = g.usageRows();
      assertThat(rows).hasSize(phases.size());
      assertThat(rows).allSatisfy(row -> {
        assertThat(row.get("status")).isEqualTo(499L);
        assertThat(row.get("error_code")).isEqualTo("client_closed");
      });
    }
  }

  @Test
  void aMidStreamHangUpIsRecordedAsTheClientsWithTheTokensItWasSent() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      String body = CHAT_STREAM.replace("hi there", "[chunks=200] [interval_ms=20]");
      try (Socket s = open(g.h, "/v1/chat/completions", body, "X-Request-ID", "mid-stream")) {
        String seen = readUntil(s.getInputStream(), "w9 ");
        assertThat(seen).contains("w0 ").contains("w9 ");
      }
      awaitCount(g.h.fake.cancelledStreams::get, 0, 1, 5_000);
      g.stopSluice();
      Map<String, Object> row = g.usageRows().getFirst();
      assertThat(row.get("status")).isEqualTo(499L);
      assertThat(row.get("error_code")).isEqualTo("client_closed");
      // "w0 " .. "w9 " at least: two tokens a word in o200k_base
      assertThat((Long) row.get("completion_tokens")).isBetween(10L, 400L);
      assertThat((Long) row.get("prompt_tokens")).isPositive();
    }
  }

  @Test
  void errorsInsideAResponsesStreamAreResponsesEvents() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      g.h.fake.inject(new Fault.DropMidStream(2));
      HttpResponse<String> r = g.h.post("/v1/responses", RESPONSES_STREAM);
      String[] frames = r.body().split("\n\n");
      String last = frames[frames.length - 1];
      assertThat(last).startsWith("event: error\ndata: ");
      JsonNode ev = Json.MAPPER.readTree(last.substring(last.indexOf("data: ") + 6));
      assertThat(ev.path("type").asText()).isEqualTo("error");
      assertThat(ev.path("code").asText()).isEqualTo("upstream_error");
      assertThat(ev.path("sequence_number").asLong()).isEqualTo(2);
      assertThat(ev.has("error")).isFalse();

      // the official SDK reads it as the Responses error event, not as a schema failure
      OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(g.h.baseUrl() + "/v1").apiKey(GatewayHarness.KEY)
          .maxRetries(0).build();
      g.h.fake.inject(new Fault.DropMidStream(2));
      try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(
          ResponseCreateParams.builder().model("gpt-5").input("hello").build())) {
        List<ResponseStreamEvent> events = s.stream().toList();
        ResponseStreamEvent end = events.getLast();
        assertThat(end.isError()).as("last event %s", end).isTrue();
        assertThat(end.asError().code()).hasValue("upstream_error");
      }

      // chat streams keep the chat shape
      g.h.fake.inject(new Fault.DropMidStream(2));
      String chat = g.h.post("/v1/chat/completions", CHAT_STREAM).body();
      String[] chatFrames = chat.split("\n\n");
      assertThat(chatFrames[chatFrames.length - 1]).startsWith("data: {\"error\":");
    }
  }

  @Test
  void onlyAllowListedUpstreamHeadersReachTheClient() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      MultiMap upstream = MultiMap.caseInsensitiveMultiMap()
          .add("openai-organization", "org-upstream-account")
          .add("openai-processing-ms", "12")
          .add("openai-version", "2020-10-01")
          .add("x-vendor-trace", "abc")
          .add("x-request-id", "upstream-req-42");
      String completion = """
          {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,
           "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
           "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
      g.h.fake.inject(new Fault.Status(200, completion, upstream));
      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT);
      assertThat(r.statusCode()).isEqualTo(200);
      var headers = r.headers().map().keySet().stream().map(String::toLowerCase).toList();
      assertThat(headers).doesNotContain("openai-organization", "openai-processing-ms", "openai-version",
          "x-vendor-trace");
      assertThat(r.headers().firstValue("x-upstream-request-id")).hasValue("upstream-req-42");
      assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
      // the body is the upstream's, with only seed 001's cache fields added to its usage
      assertThat(Json.MAPPER.readTree(r.body())).isEqualTo(Json.MAPPER.readTree(completion.replace(
          "\"total_tokens\":2}", "\"total_tokens\":2,\"cache_read_input_tokens\":0,\"cache_creation_input_tokens\":0}")));
    }
  }

  @Test
  void anUpstreamRefusingTheGatewaysCredentialIsTheGatewaysFailure() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      g.h.fake.inject(Fault.status(401, "Incorrect API key provided: upstr***cret.", "invalid_request_error"));
      HttpResponse<String> r = g.h.post("/v1/chat/completions", CHAT);
      assertThat(r.statusCode()).isEqualTo(502);
      JsonNode err = Json.MAPPER.readTree(r.body()).path("error");
      assertThat(err.path("code").asText()).isEqualTo("upstream_auth_failed");
      assertThat(err.path("message").asText()).contains("upstream 'openai'").doesNotContain("Incorrect API key");
    }
  }

  @Test
  void requestsStillRunningPastTheGracePeriodAreAnswered503() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, "server:\n  shutdown_grace_seconds: 1\n")) {
      String body = CHAT_STREAM.replace("hi there", "[chunks=400] [interval_ms=25]");
      try (Socket stream = open(g.h, "/v1/chat/completions", body, "X-Request-ID", "grace-stream")) {
        readUntil(stream.getInputStream(), "w0 ");
        g.h.fake.inject(new Fault.SlowFirstByte(8_000));
        CompletableFuture<HttpResponse<String>> json = CompletableFuture.supplyAsync(() -> {
          try {
            return g.h.post("/v1/chat/completions", CHAT, "X-Request-ID", "grace-json");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        awaitCount(() -> g.h.fake.seen.size(), 1, 1, 3_000);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(g::stopSluice);
        String rest = readUntil(stream.getInputStream(), "shutting_down");
        assertThat(rest).contains("\"code\":\"shutting_down\"");
        HttpResponse<String> r = json.get();
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("shutting_down");
        stopping.get();
      }
      assertThat(g.usageRows()).allSatisfy(row -> {
        assertThat(row.get("status")).isEqualTo(503L);
        assertThat(row.get("error_code")).isEqualTo("shutting_down");
      }).hasSize(2);
    }
  }

  /** Polls until {@code counter} reaches {@code base + delta} or the time is up; returns its value. */
  static int awaitCount(IntSupplier counter, int base, int delta, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (counter.getAsInt() < base + delta && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return counter.getAsInt();
  }

  static Socket open(GatewayHarness h, String path, String body, String... headers) throws Exception {
    return RawHttp.openPost(h.sluice.port(), path, body, GatewayHarness.KEY, headers);
  }

  static String readUntil(InputStream in, String marker) throws Exception {
    return RawHttp.readUntil(in, marker);
  }
}
