package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 protocol layer over raw sockets against the running gateway: request smuggling
 * framings, malformed chunks, unsupported versions and codec limits get one error envelope and a
 * closed connection; slow request heads and bodies meet their deadlines; idle connections close.
 */
class HttpProtocolHttpTest {
  static final int HEADER_TIMEOUT_S = 1;
  static final int BODY_TIMEOUT_S = 2;
  static final int IDLE_TIMEOUT_S = 3;
  static final String SMUGGLED = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

  static GatewayHarness h;

  @BeforeAll
  static void start() {
    h = new GatewayHarness("""
        server:
          idle_timeout_seconds: %d
          request_header_timeout_seconds: %d
          request_body_timeout_seconds: %d
        """.formatted(IDLE_TIMEOUT_S, HEADER_TIMEOUT_S, BODY_TIMEOUT_S));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Sends {@code request}, expects exactly one response and then the connection closed. */
  static RawHttp.Response onlyResponseThenClosed(String request) throws IOException {
    List<RawHttp.Response> responses = RawHttp.parseAll(RawHttp.untilClosed(h.sluice.port(), bytes(request), 5_000));
    assertThat(responses).as("responses to %s", request).hasSize(1);
    return responses.get(0);
  }

  static void assertEnvelope(RawHttp.Response r, int status, String code) throws IOException {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).isEqualTo("application/json");
    JsonNode error = Json.parse(r.text()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.has("param")).isTrue();
  }

  @Test
  void unknownTransferCodingIsRefusedAndTheSmuggledRequestNeverRuns() throws IOException {
    RawHttp.Response r = onlyResponseThenClosed("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + GatewayHarness.KEY + "\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: xchunked\r\n\r\n" + SMUGGLED);
    assertEnvelope(r, 400, "invalid_http_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Transfer-Encoding: chunked\r\nContent-Length: 5",
      "Transfer-Encoding: chunked, gzip",
      "Transfer-Encoding: gzip, chunked",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: identity"})
  void ambiguousBodyFramingIsRefusedAndClosed(String framing) throws IOException {
    RawHttp.Response r = onlyResponseThenClosed("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        + framing + "\r\n\r\n0\r\n\r\n" + SMUGGLED);
    assertEnvelope(r, 400, "invalid_http_request");
  }

  @Test
  void plainChunkedBodiesStillReachTheRoutes() throws IOException {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    RawHttp.Response r = onlyResponseThenClosed("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + GatewayHarness.KEY + "\r\nContent-Type: application/json\r\n"
        + "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @Test
  void pipelinedRequestsAreAllAnswered() throws IOException {
    List<RawHttp.Response> responses = RawHttp.parseAll(RawHttp.untilClosed(h.sluice.port(),
        bytes(SMUGGLED + SMUGGLED + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 5_000));
    assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 200, 200);
  }

  @Test
  void aMalformedChunkGets400AndNoErrorIsLogged() throws IOException {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    try {
      RawHttp.Response r = onlyResponseThenClosed("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
      assertEnvelope(r, 400, "invalid_http_request");
    } finally {
      root.detachAppender(appender);
    }
    assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"})
  void http2Gets505WithTheEnvelope(String request) throws IOException {
    byte[] raw = RawHttp.untilClosed(h.sluice.port(), bytes(request), 5_000);
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 505 ");
    assertEnvelope(RawHttp.parse(raw), 505, "http_version_not_supported");
  }

  @Test
  void codecLimitsGetTheEnvelope() throws IOException {
    assertEnvelope(onlyResponseThenClosed("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        414, "uri_too_long");
    assertEnvelope(onlyResponseThenClosed("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000)
        + "\r\n\r\n"), 431, "headers_too_large");
    assertEnvelope(onlyResponseThenClosed("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"),
        400, "invalid_http_request");
  }

  @Test
  void aDribbledRequestHeadGets408WithinTheDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", h.sluice.port())) {
      s.setSoTimeout(100);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      byte[] head = bytes("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200));
      StringBuilder got = new StringBuilder();
      boolean closed = false;
      for (int i = 0; i < head.length && !closed; i++) {
        try {
          out.write(head[i]);
          out.flush();
        } catch (IOException reset) {
          break;
        }
        try {
          for (int n; (n = in.read()) >= 0; ) {
            got.append((char) n);
          }
          closed = true;
        } catch (SocketTimeoutException stillOpen) {
          // keep dribbling, one byte per 100 ms
        }
      }
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(closed).as("closed while dribbling; got %s", got).isTrue();
      assertThat(elapsedMillis).isBetween(HEADER_TIMEOUT_S * 1000L - 100, HEADER_TIMEOUT_S * 1000L + 1500);
      assertEnvelope(RawHttp.parse(bytes(got.toString())), 408, "request_timeout");
    }
  }

  @Test
  void aDribbledBodyGets408WithinTheDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", h.sluice.port())) {
      s.setSoTimeout((BODY_TIMEOUT_S + 3) * 1000);
      s.getOutputStream().write(bytes("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\""));
      long start = System.nanoTime();
      byte[] raw = s.getInputStream().readAllBytes();
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(elapsedMillis).isBetween(BODY_TIMEOUT_S * 1000L - 100, BODY_TIMEOUT_S * 1000L + 1500);
      assertEnvelope(RawHttp.parse(raw), 408, "request_timeout");
    }
  }

  @Test
  void keepAliveConnectionsWaitTheIdleTimeoutNotTheHeaderDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", h.sluice.port())) {
      s.setSoTimeout((IDLE_TIMEOUT_S + 3) * 1000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(bytes(SMUGGLED));
      assertThat(readResponseHead(in)).startsWith("HTTP/1.1 200 ");
      Thread.sleep(HEADER_TIMEOUT_S * 1000L + 700);
      out.write(bytes(SMUGGLED));
      assertThat(readResponseHead(in)).as("second request after a pause").startsWith("HTTP/1.1 200 ");
      long start = System.nanoTime();
      assertThat(in.read()).as("closed when idle").isEqualTo(-1);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(elapsedMillis).isBetween(IDLE_TIMEOUT_S * 1000L - 500, IDLE_TIMEOUT_S * 1000L + 1500);
    }
  }

  /** Reads one response (head and its Content-Length body) and returns its head. */
  private static String readResponseHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) c);
    }
    Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
    if (m.find()) {
      in.readNBytes(Integer.parseInt(m.group(1)));
    }
    return head.toString();
  }
}
