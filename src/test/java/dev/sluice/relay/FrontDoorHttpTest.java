package dev.sluice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.json.Json;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The relay's fixed paths, which the front door takes straight to the relay, answer as the router's way
 * does: each case runs on {@code /v1/chat/completions} (the front door's) and on the same path with a
 * trailing slash (which only the router takes).
 */
class FrontDoorHttpTest {
  static GatewayHarness h;
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
  /** Over the harness's body limit (64 KiB). */
  static final String BIG = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
      + "x".repeat(70_000) + "\"}]}";

  @BeforeAll
  static void start() {
    h = new GatewayHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static Stream<String> paths() {
    return Stream.of("/v1/chat/completions", "/v1/chat/completions/");
  }

  private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String contentType,
                                           String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.baseUrl() + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + GatewayHarness.KEY)
        .header("Content-Type", contentType)
        .POST(body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return h.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A body without a Content-Length: sent in chunks. */
  private static HttpRequest.BodyPublisher chunked(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static void assertTooLarge(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("request_too_large");
  }

  @ParameterizedTest
  @MethodSource("paths")
  void relaysAndEchoesTheClientsRequestId(String path) throws Exception {
    HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofString(CHAT), "application/json",
        "X-Request-ID", "client-chosen-42");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-request-id")).hasValue("client-chosen-42");
    assertThat(json(r).path("object").asText()).isEqualTo("chat.completion");
  }

  @ParameterizedTest
  @MethodSource("paths")
  void givesARequestAnIdWhenItBringsNone(String path) throws Exception {
    HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofString(CHAT), "application/json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("req_[0-9a-f]{24}"));
  }

  @ParameterizedTest
  @MethodSource("paths")
  void aChunkedBodyIsReadWhole(String path) throws Exception {
    HttpResponse<String> r = post(path, chunked(CHAT), "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("choices").size()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("paths")
  void aDeclaredBodyOverTheLimitIs413(String path) throws Exception {
    HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofString(BIG), "application/json");
    assertTooLarge(r);
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
  }

  @ParameterizedTest
  @MethodSource("paths")
  void aChunkedBodyOverTheLimitIs413(String path) throws Exception {
    assertTooLarge(post(path, chunked(BIG), "application/json"));
  }

  @ParameterizedTest
  @MethodSource("paths")
  void aFormsContentTypeIsReadAsJson(String path) throws Exception {
    // curl -d sends application/x-www-form-urlencoded
    HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofString(CHAT), "application/x-www-form-urlencoded");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @ParameterizedTest
  @MethodSource("paths")
  void multipartIsRefusedInOpenAIsEnvelope(String path) throws Exception {
    HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofString(CHAT), "multipart/form-data; boundary=x");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).contains("multipart bodies are not supported");
  }

  @ParameterizedTest
  @MethodSource("paths")
  void anEmptyBodyIsRefused(String path) throws Exception {
    HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.noBody(), "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).contains("request body is empty");
  }
}
