package dev.sluice.admin;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.keys.KeyService;
import dev.sluice.keys.JdbcKeyRepository;
import dev.sluice.storage.TestDatabases;
import dev.sluice.usage.JdbcUsageStore;
import dev.sluice.usage.UsageRecord;
import dev.sluice.usage.UsageService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {
  static final String ADMIN = "admin-secret-1";
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  Vertx vertx;
  TestDatabases.TestDb db;
  KeyService keys;
  UsageService usage;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Reply(int status, JsonNode json, String body) {
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    db = TestDatabases.sqlite(dir);
    keys = new KeyService(new JdbcKeyRepository(db.db()), new MutableClock(T0), new SecureRandom());
    usage = UsageService.create(db.db());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    db.close();
  }

  private int serve(String adminKey) throws Exception {
    Router main = Router.router(vertx);
    main.route("/admin/*").subRouter(AdminApi.router(vertx, keys, usage, adminKey));
    HttpServer server = vertx.createHttpServer().requestHandler(main).listen(0).await(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private Reply call(int port, String method, String path, String bearer, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? null : Json.parse(r.body());
    return new Reply(r.statusCode(), json, r.body());
  }

  private static void assertError(Reply r, int status, String type, String code) {
    assertThat(r.status()).isEqualTo(status);
    JsonNode e = r.json().get("error");
    assertThat(e.get("type").asText()).isEqualTo(type);
    assertThat(e.get("code").asText()).isEqualTo(code);
    assertThat(e.has("message")).isTrue();
    assertThat(e.has("param")).isTrue();
  }

  @Test
  void disabledWithoutAnAdminKey() throws Exception {
    int port = serve("");
    assertError(call(port, "GET", "/admin/keys", "anything", null), 404, "invalid_request_error", "unsupported_endpoint");
    assertError(call(port, "GET", "/admin/keys", null, null), 404, "invalid_request_error", "unsupported_endpoint");
  }

  @Test
  void requiresTheAdminKeyAndRejectsApiKeys() throws Exception {
    int port = serve(ADMIN);
    String apiKey = keys.create(new dev.sluice.keys.NewKey("k", List.of(), null, null)).secret();
    assertError(call(port, "GET", "/admin/keys", null, null), 401, "authentication_error", "invalid_api_key");
    assertError(call(port, "GET", "/admin/keys", "wrong", null), 401, "authentication_error", "invalid_api_key");
    assertError(call(port, "GET", "/admin/keys", apiKey, null), 401, "authentication_error", "invalid_api_key");
    assertThat(call(port, "GET", "/admin/keys", ADMIN, null).status()).isEqualTo(200);
  }

  @Test
  void keyLifecycle() throws Exception {
    int port = serve(ADMIN);
    Reply created = call(port, "POST", "/admin/keys", ADMIN,
        "{\"name\":\"ci\",\"models\":[\"gpt-4o\"],\"plan\":\"pro\",\"expires_at\":\"2026-12-31\"}");
    assertThat(created.status()).isEqualTo(201);
    String secret = created.json().get("key").asText();
    assertThat(secret).matches("sk-sluice-[0-9A-Za-z]{40}");
    String id = created.json().get("id").asText();
    assertThat(created.json().get("name").asText()).isEqualTo("ci");
    assertThat(created.json().get("plan").asText()).isEqualTo("pro");
    assertThat(created.json().get("models").get(0).asText()).isEqualTo("gpt-4o");
    assertThat(created.json().get("expires_at").asLong()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z").getEpochSecond());
    assertThat(created.json().get("status").asText()).isEqualTo("active");

    Reply list = call(port, "GET", "/admin/keys", ADMIN, null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("data")).hasSize(1);
    assertThat(list.json().get("data").get(0).get("id").asText()).isEqualTo(id);
    assertThat(list.json().get("data").get(0).has("key")).isFalse();
    assertThat(list.body()).doesNotContain(secret).doesNotContain(KeyService.hash(secret));

    Reply shown = call(port, "GET", "/admin/keys/" + secret.substring(0, 16), ADMIN, null);
    assertThat(shown.json().get("id").asText()).isEqualTo(id);

    Reply rotated = call(port, "POST", "/admin/keys/" + id + "/rotate", ADMIN, null);
    assertThat(rotated.status()).isEqualTo(200);
    String newSecret = rotated.json().get("key").asText();
    assertThat(newSecret).isNotEqualTo(secret);
    assertThat(keys.findByHash(KeyService.hash(secret))).isEmpty();

    Reply revoked = call(port, "DELETE", "/admin/keys/" + id, ADMIN, null);
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().get("status").asText()).isEqualTo("revoked");
    assertThat(revoked.json().get("revoked_at").asLong()).isEqualTo(T0.getEpochSecond());
    assertThat(revoked.body()).doesNotContain(newSecret);
    assertThat(call(port, "POST", "/admin/keys/" + id + "/revoke", ADMIN, null).status()).isEqualTo(200);
  }

  @Test
  void validationAndUnknownRoutes() throws Exception {
    int port = serve(ADMIN);
    assertError(call(port, "POST", "/admin/keys", ADMIN, "not json"), 400, "invalid_request_error", "invalid_request");
    Reply noName = call(port, "POST", "/admin/keys", ADMIN, "{\"models\":[\"a\"]}");
    assertThat(noName.status()).isEqualTo(400);
    assertThat(noName.json().get("error").get("param").asText()).isEqualTo("name");
    Reply badModels = call(port, "POST", "/admin/keys", ADMIN, "{\"name\":\"x\",\"models\":[1]}");
    assertThat(badModels.json().get("error").get("param").asText()).isEqualTo("models");
    assertError(call(port, "POST", "/admin/keys/key_nope/rotate", ADMIN, null), 404, "not_found_error", "not_found");
    assertError(call(port, "GET", "/admin/nothing", ADMIN, null), 404, "invalid_request_error", "unsupported_endpoint");
    assertThat(call(port, "GET", "/admin/usage?by=hour", ADMIN, null).json().get("error").get("param").asText())
        .isEqualTo("by");
  }

  @Test
  void usageSummary() throws Exception {
    int port = serve(ADMIN);
    var created = keys.create(new dev.sluice.keys.NewKey("team", List.of(), null, null));
    String keyId = created.key().id();
    new JdbcUsageStore(db.db()).insert(List.of(
        new UsageRecord(T0, "r1", keyId, "chat", "gpt-4o", "up", null, 100, 20, 10, 5, 50, 200, null),
        new UsageRecord(T0.plusSeconds(86_400), "r2", keyId, "chat", "o3", "up", null, 50, 10, 0, 0, 50, 500, "upstream_error"),
        new UsageRecord(T0, "r3", "config", "chat", "o3", "up", null, 7, 0, 0, 0, 50, 200, null)));

    Reply byModel = call(port, "GET", "/admin/usage", ADMIN, null);
    assertThat(byModel.status()).isEqualTo(200);
    assertThat(byModel.json().get("by").asText()).isEqualTo("model");
    assertThat(byModel.json().get("data")).hasSize(2);
    JsonNode total = byModel.json().get("total");
    assertThat(total.get("requests").asLong()).isEqualTo(3);
    assertThat(total.get("prompt_tokens").asLong()).isEqualTo(157);
    assertThat(total.get("errors").asLong()).isEqualTo(1);

    Reply filtered = call(port, "GET", "/admin/usage?by=day&key=" + created.key().prefix() + "&since=2026-03-02", ADMIN, null);
    assertThat(filtered.json().get("data")).hasSize(1);
    assertThat(filtered.json().get("data").get(0).get("group").asText()).isEqualTo("2026-03-02");
    assertThat(filtered.json().get("data").get(0).get("completion_tokens").asLong()).isEqualTo(10);
  }
}
