package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.GatewayHarness;
import dev.sluice.json.Json;
import dev.sluice.api.Dialect;
import dev.sluice.api.Endpoint;
import dev.sluice.validation.BodyArbitraries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated request bodies over real HTTP to every POST endpoint of the running gateway
 * (in front of the fake OpenAI): never a 5xx, always the OpenAI error envelope on a 4xx, never a
 * hang, and the process keeps serving. The number of cases run is printed and written to
 * {@code target/e2e-fuzz-cases.txt}.
 */
class FuzzHttpTest {
  static final int TRIES = 2000;
  static final String ADMIN_KEY = "fuzz-admin-key-0123456789";
  static final int TIMEOUT_MILLIS = 20_000;
  static final AtomicInteger CASES = new AtomicInteger();
  static final Map<Integer, AtomicInteger> BY_STATUS = new java.util.concurrent.ConcurrentSkipListMap<>();
  /** Writes bodies nested deeper than {@link Json#MAPPER} would, so the gateway sees them. */
  static final ObjectMapper DEEP_WRITER = JsonMapper.builder(JsonFactory.builder()
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(1_000_000).build()).build()).build();

  static GatewayHarness h;

  /** One request: where, with which Content-Type, which bytes. */
  record Case(String path, String contentType, byte[] body, String kind) {
    @Override
    public String toString() {
      String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      return kind + " POST " + path + " content-type=" + contentType + " (" + body.length + " bytes) " + shown;
    }
  }

  @BeforeContainer
  static void start() {
    h = new GatewayHarness("""
        auth:
          admin_api_key: "%s"
        """.formatted(ADMIN_KEY));
  }

  @AfterContainer
  static void stop() throws IOException {
    try {
      assertHealthy();
      String summary = "FuzzHttpTest: " + CASES.get() + " HTTP cases, by status " + BY_STATUS;
      System.out.println(summary);
      Path target = Path.of("target");
      if (Files.isDirectory(target)) {
        Files.writeString(target.resolve("e2e-fuzz-cases.txt"), summary + "\n");
      }
    } finally {
      h.close();
    }
  }

  static List<String> postPaths() {
    List<String> out = new ArrayList<>();
    for (String prefix : List.of("/v1/", "/api/v1/")) {
      for (Endpoint e : Endpoint.values()) {
        if (e != Endpoint.MODELS && (e.dialect() == Dialect.OPENAI || prefix.equals("/v1/"))) {
          out.add(prefix + e.path());
        }
      }
    }
    out.add("/admin/keys");
    return out;
  }

  @Property(tries = TRIES, afterFailure = net.jqwik.api.AfterFailureMode.RANDOM_SEED, shrinking = net.jqwik.api.ShrinkingMode.OFF)
  void anyBodyGetsA2xxOrAnEnvelopedClientError(@ForAll("cases") Case c) throws IOException {
    String auth = c.path().startsWith("/admin/") ? ADMIN_KEY : GatewayHarness.KEY;
    RawHttp.Response r = RawHttp.send(h.sluice.port(), "POST", c.path(), c.body(), TIMEOUT_MILLIS,
        "Authorization", "Bearer " + auth, "Content-Type", c.contentType());
    int n = CASES.incrementAndGet();
    BY_STATUS.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
    assertThat(r.status()).as("status for %s: %s", c, r.text()).isBetween(200, 499);
    if (r.status() >= 400) {
      assertEnvelope(r, c);
    } else if (!c.path().startsWith("/admin/")) {
      String ct = r.headers().getOrDefault("content-type", "");
      assertThat(ct).as("content type for %s", c).matches("application/json.*|text/event-stream.*");
    }
    if (n % 100 == 0) {
      assertHealthy();
    }
  }

  @Example
  void invalidUtf8InsideAJsonStringIsA400() throws IOException {
    byte[] prefix = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"bad ".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
    for (byte[] bad : List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0x80},
        new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
      byte[] body = new byte[prefix.length + bad.length + suffix.length];
      System.arraycopy(prefix, 0, body, 0, prefix.length);
      System.arraycopy(bad, 0, body, prefix.length, bad.length);
      System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
      RawHttp.Response r = RawHttp.send(h.sluice.port(), "POST", "/v1/chat/completions", body, TIMEOUT_MILLIS,
          "Authorization", "Bearer " + GatewayHarness.KEY, "Content-Type", "application/json");
      Case c = new Case("/v1/chat/completions", "application/json", body, "invalid-utf8");
      assertThat(r.status()).as("%s: %s", c, r.text()).isEqualTo(400);
      assertEnvelope(r, c);
    }
  }

  @Example
  void formContentTypesAreNotDecodedAsForms() throws IOException {
    String big = "x".repeat(20_000);
    byte[] chat = ("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
    RawHttp.Response r = RawHttp.send(h.sluice.port(), "POST", "/v1/chat/completions", chat, TIMEOUT_MILLIS,
        "Authorization", "Bearer " + GatewayHarness.KEY, "Content-Type", "application/x-www-form-urlencoded");
    assertThat(r.status()).as("curl -d style body: %s", r.text()).isEqualTo(200);
    for (String path : List.of("/v1/chat/completions", "/v1/embeddings", "/admin/keys")) {
      for (String ct : List.of("multipart/form-data; boundary=x", "multipart/form-data", "application/x-www-form-urlencoded")) {
        byte[] body = ("[".repeat(3000) + "&a=" + "b".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
        Case c = new Case(path, ct, body, "form");
        RawHttp.Response f = RawHttp.send(h.sluice.port(), "POST", path, body, TIMEOUT_MILLIS,
            "Authorization", "Bearer " + (path.startsWith("/admin/") ? ADMIN_KEY : GatewayHarness.KEY), "Content-Type", ct);
        assertThat(f.status()).as("%s: %s", c, f.text()).isEqualTo(400);
        assertEnvelope(f, c);
      }
    }
    byte[] admin = "{\"name\":\"curl -d\"}".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response a = RawHttp.send(h.sluice.port(), "POST", "/admin/keys", admin, TIMEOUT_MILLIS,
        "Authorization", "Bearer " + ADMIN_KEY, "Content-Type", "application/x-www-form-urlencoded");
    assertThat(a.status()).as("documented curl -d admin call: %s", a.text()).isEqualTo(201);
  }

  @Example
  void loneSurrogateEscapesAreNotAServerError() throws IOException {
    for (String content : List.of("\\ud800", "a\\udfff", "\\ud83d", "x\\ud800\\ud800y")) {
      for (boolean stream : List.of(false, true)) {
        byte[] body = ("{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
            + content + "\"}]}").getBytes(StandardCharsets.UTF_8);
        RawHttp.Response r = RawHttp.send(h.sluice.port(), "POST", "/v1/chat/completions", body, TIMEOUT_MILLIS,
            "Authorization", "Bearer " + GatewayHarness.KEY, "Content-Type", "application/json");
        Case c = new Case("/v1/chat/completions", "application/json", body, "lone-surrogate");
        assertThat(r.status()).as("%s: %s", c, r.text()).isBetween(200, 499);
        if (r.status() >= 400) {
          assertEnvelope(r, c);
        }
      }
    }
  }

  static void assertEnvelope(RawHttp.Response r, Case c) {
    assertThat(r.headers().getOrDefault("content-type", "")).as("content type for %s", c).startsWith("application/json");
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON for " + c + ": " + r.text(), e);
    }
    JsonNode e = n.path("error");
    assertThat(e.isObject()).as("error envelope for %s: %s", c, r.text()).isTrue();
    assertThat(e.path("message").isTextual() && e.path("type").isTextual()).as("message and type in %s", r.text()).isTrue();
    if (c.path().contains("/messages")) {
      // Anthropic's envelope for Anthropic's endpoints
      assertThat(n.path("type").asText()).as("Anthropic envelope in %s", r.text()).isEqualTo("error");
    } else {
      assertThat(e.has("param") && e.has("code")).as("param and code in %s", r.text()).isTrue();
    }
  }

  static void assertHealthy() throws IOException {
    RawHttp.Response r = RawHttp.send(h.sluice.port(), "GET", "/healthz", new byte[0], TIMEOUT_MILLIS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).contains("ok");
  }

  @Provide
  Arbitrary<Case> cases() {
    List<String> paths = postPaths();
    Arbitrary<String> path = Arbitraries.of(paths);
    Arbitrary<String> contentType = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.just("application/json")),
        net.jqwik.api.Tuple.of(1, BodyArbitraries.contentTypes()));
    Arbitrary<Case> raw = net.jqwik.api.Combinators.combine(path, contentType, BodyArbitraries.rawBodies())
        .as((p, ct, b) -> new Case(p, ct, b, "raw"));
    Arbitrary<Case> mutated = net.jqwik.api.Combinators.combine(contentType, BodyArbitraries.mutatedRequests(),
            Arbitraries.integers().between(0, 9), path)
        .as((ct, req, own, other) -> new Case(own > 0 ? "/v1/" + req.getKey().path() : other, ct,
            write(req.getValue()), "mutated"));
    Arbitrary<Case> valid = net.jqwik.api.Combinators.combine(contentType, BodyArbitraries.validRequests())
        .as((ct, req) -> new Case("/v1/" + req.getKey().path(), ct, write(req.getValue()), "valid"));
    Arbitrary<Case> deep = net.jqwik.api.Combinators.combine(contentType, BodyArbitraries.deeplyNestedChat())
        .as((ct, b) -> new Case("/v1/chat/completions", ct, write(b), "deep"));
    Arbitrary<Case> any = net.jqwik.api.Combinators.combine(path, contentType, BodyArbitraries.anyJson())
        .as((p, ct, b) -> new Case(p, ct, write(b), "any-json"));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(35, raw),
        net.jqwik.api.Tuple.of(35, mutated),
        net.jqwik.api.Tuple.of(15, valid),
        net.jqwik.api.Tuple.of(5, deep),
        net.jqwik.api.Tuple.of(10, any))
        // the mutators deep-copy nests thousands of levels deep; on a small thread stack that can
        // overflow while generating (not while sending): draw another case then
        .ignoreException(1000, StackOverflowError.class);
  }

  static byte[] write(JsonNode body) {
    try {
      return DEEP_WRITER.writeValueAsBytes(body);
    } catch (IOException | StackOverflowError e) {
      return ("{\"model\":\"gpt-4o\",\"messages\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
