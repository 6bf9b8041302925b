package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.fake.FakeCodexBackend.Failure;
import dev.sluice.json.Json;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The Codex pool in the phases before a reply is handed to the client (a stream awaiting its first
 * output, a JSON answer being assembled): the upstream timeout fires there too, and a client that hangs
 * up cancels the backend request without resting the account, so the next client is served.
 */
class CodexUpstreamPhasesTest {
  static final String CHAT = "{\"model\":\"gpt-5.3-codex\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";

  @Test
  void aBackendSilentBeforeItsFirstOutputTimesOut() throws Exception {
    try (CodexHarness h = new CodexHarness(List.of("acct-a"), "upstream:\n  timeout_seconds: 1\n")) {
      for (String extra : List.of("", ",\"stream\":true")) {
        h.backend.failNext(Failure.STALL_BEFORE_OUTPUT);
        long t0 = System.nanoTime();
        HttpResponse<String> r = h.post("/v1/chat/completions", CHAT.formatted(extra));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
        assertThat(Json.parse(r.body()).path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(millis).isBetween(900L, 4_000L);
      }
    }
  }

  @Test
  void aHangUpBeforeTheFirstOutputCancelsTheBackendRequestAndSparesTheAccount() throws Exception {
    try (CodexHarness h = new CodexHarness(List.of("acct-a"), "")) {
      for (String extra : List.of(",\"stream\":true", "")) {
        int before = h.backend.abandoned();
        h.backend.failNext(Failure.STALL_BEFORE_OUTPUT);
        String body = CHAT.formatted(extra);
        try (Socket s = new Socket("127.0.0.1", h.sluice.port())) {
          s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + CodexHarness.KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
          s.getOutputStream().flush();
          waitFor(() -> h.backend.requests().size() > 0, 3_000);
          Thread.sleep(200);
          assertThat(h.backend.abandoned()).isEqualTo(before);
        }
        // the 5 s upstream timeout has not fired: the cancel came from the hang-up
        waitFor(() -> h.backend.abandoned() > before, 2_000);
        assertThat(h.backend.abandoned()).as("stream=%s", extra).isEqualTo(before + 1);
        HttpResponse<String> next = h.post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(next.statusCode()).as("the account was not rested: %s", next.body()).isEqualTo(200);
      }
    }
  }

  static void waitFor(BooleanSupplier cond, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (!cond.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
