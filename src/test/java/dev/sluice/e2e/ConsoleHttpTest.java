package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.GatewayHarness;
import dev.sluice.Wiring;
import dev.sluice.config.Config;
import dev.sluice.fake.FakeCodexBackend;
import dev.sluice.fake.FakeOAuthIssuer;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's server side over plain HTTP: what it serves and with which headers, the sign-in (cookie
 * flags, wrong keys, rate limit), the session standing in for the admin key under {@code /console/api/}
 * with a CSRF token on every state-changing call, usage as CSV, and ChatGPT sign-ins started from the
 * console against the fake issuer (device code, pasted callback URL) and removal.
 */
class ConsoleHttpTest {
  static final String ADMIN = "admin-key-for-console-tests-01234";
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HttpResponse<String> send(String base, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Signs in; returns {cookie header value, csrf token}. */
  String[] signIn(String base) throws Exception {
    HttpResponse<String> r = send(base, "POST", "/console/session", "{\"admin_key\":\"" + ADMIN + "\"}",
        "Content-Type", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return new String[] {setCookie.substring(0, setCookie.indexOf(';')), Json.parse(r.body()).path("csrf_token").asText()};
  }

  @Test
  void withoutAnAdminKeyTheConsoleIsNotThere() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE)) {
      assertThat(send(g.h.baseUrl(), "GET", "/console/", null).statusCode()).isEqualTo(404);
      assertThat(send(g.h.baseUrl(), "POST", "/console/session", "{\"admin_key\":\"\"}").statusCode()).isEqualTo(404);
      assertThat(send(g.h.baseUrl(), "GET", "/metrics", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void consoleFilesComeFromTheJarNeverFromTheWorkingDirectory() throws Exception {
    Path planted = Path.of("console");
    assertThat(planted).as("no console/ folder in the working directory before the test").doesNotExist();
    Files.createDirectory(planted);
    try {
      Files.writeString(planted.resolve("index.html"), "a page planted in the working directory");
      Files.writeString(planted.resolve("planted.js"), "alert(1)");
      try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, """
          auth:
            admin_api_key: "%s"
          """.formatted(ADMIN))) {
        String base = g.h.baseUrl();
        HttpResponse<String> index = send(base, "GET", "/console/", null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<title>Sluice console</title>").doesNotContain("planted");
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(send(base, "GET", "/console/planted.js", null).statusCode()).isEqualTo(404);
        HttpResponse<String> css = send(base, "GET", "/console/console.css", null);
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(send(base, "GET", "/console/vendor/uplot-1.6.32/SHA256SUMS", null).statusCode())
            .as("only the console's own kinds of file").isEqualTo(404);
        assertThat(send(base, "GET", "/console/vendor/", null).statusCode()).isEqualTo(404);
        assertThat(send(base, "GET", "/console/%2e%2e/pom.xml", null).statusCode()).isEqualTo(404);
      }
    } finally {
      Files.deleteIfExists(planted.resolve("index.html"));
      Files.deleteIfExists(planted.resolve("planted.js"));
      Files.deleteIfExists(planted);
    }
  }

  @Test
  void aKeyWhosePlanWasRemovedFromTheConfigIsMarkedSo() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, """
        auth:
          admin_api_key: "%s"
        """.formatted(ADMIN))) {
      g.createKey("on a retired plan", "retired", List.of());
      g.createKey("on pro", "pro", List.of());
      g.createKey("no plan", null, List.of());
      String base = g.h.baseUrl();
      String[] s = signIn(base);
      JsonNode keys = Json.parse(send(base, "GET", "/console/api/keys", null, "Cookie", s[0]).body());
      Map<String, String> byName = new HashMap<>();
      keys.path("data").forEach(k -> byName.put(k.path("name").asText(),
          k.path("plan").asText() + " " + k.path("plan_configured").asText("-")));
      assertThat(byName).containsEntry("on a retired plan", "retired false").containsEntry("on pro", "pro true")
          .containsEntry("no plan", "null -");
    }
  }

  @Test
  void signInSessionCsrfAndHeaders() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, """
        auth:
          admin_api_key: "%s"
        console:
          sign_in_attempts_per_minute: 3
        """.formatted(ADMIN))) {
      String base = g.h.baseUrl();
      HttpResponse<String> index = send(base, "GET", "/console/", null);
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.body()).contains("<script src=\"console.js\" defer>").doesNotContain("<script>")
          .doesNotContain("style=");
      assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
          .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("unsafe"));
      assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(send(base, "GET", "/console", null).statusCode()).isEqualTo(302);
      HttpResponse<String> js = send(base, "GET", "/console/console.js", null);
      assertThat(js.body()).doesNotContain("innerHTML").doesNotContain("localStorage.setItem");
      assertThat(send(base, "GET", "/console/vendor/uplot-1.6.32/uPlot.iife.min.js", null).statusCode()).isEqualTo(200);

      // the API behind the console needs the session, not the admin key
      assertThat(send(base, "GET", "/console/api/keys", null).statusCode()).isEqualTo(401);
      assertThat(send(base, "GET", "/console/api/keys", null, "Authorization", "Bearer " + ADMIN).statusCode())
          .isEqualTo(401);
      assertThat(send(base, "GET", "/console/session", null).statusCode()).isEqualTo(401);

      HttpResponse<String> ok = send(base, "POST", "/console/session", "{\"admin_key\":\"" + ADMIN + "\"}");
      assertThat(ok.statusCode()).isEqualTo(200);
      String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).startsWith("sluice_console=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict")
          .contains("Path=/console").doesNotContain(ADMIN);
      assertThat(ok.body()).doesNotContain(ADMIN);
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      String csrf = Json.parse(ok.body()).path("csrf_token").asText();
      assertThat(csrf).hasSizeGreaterThan(20);
      assertThat(Json.parse(send(base, "GET", "/console/session", null, "Cookie", cookie).body())
          .path("csrf_token").asText()).isEqualTo(csrf);

      assertThat(send(base, "GET", "/console/api/keys", null, "Cookie", cookie).statusCode()).isEqualTo(200);
      String key = "{\"name\":\"from the console\"}";
      assertThat(send(base, "POST", "/console/api/keys", key, "Cookie", cookie).statusCode()).as("no CSRF token")
          .isEqualTo(403);
      assertThat(send(base, "POST", "/console/api/keys", key, "Cookie", cookie, "X-CSRF-Token", "wrong")
          .statusCode()).isEqualTo(403);
      assertThat(send(base, "POST", "/console/api/keys", key, "Cookie", cookie, "X-CSRF-Token", csrf,
          "Origin", "http://evil.example").statusCode()).as("another origin").isEqualTo(403);
      HttpResponse<String> created = send(base, "POST", "/console/api/keys", key, "Cookie", cookie,
          "X-CSRF-Token", csrf, "Content-Type", "application/json");
      assertThat(created.statusCode()).isEqualTo(201);
      String id = Json.parse(created.body()).path("id").asText();
      assertThat(send(base, "POST", "/console/api/keys/" + id + "/revoke", null, "Cookie", cookie).statusCode())
          .isEqualTo(403);
      assertThat(send(base, "DELETE", "/console/api/keys/" + id, null, "Cookie", cookie, "X-CSRF-Token", csrf)
          .statusCode()).isEqualTo(200);

      // the admin key is still refused as an API key
      assertThat(g.h.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}", "Authorization",
          "Bearer " + ADMIN).statusCode()).isEqualTo(401);

      // sign-out ends the session
      assertThat(send(base, "DELETE", "/console/session", null, "Cookie", cookie, "X-CSRF-Token", csrf).statusCode())
          .isEqualTo(204);
      assertThat(send(base, "GET", "/console/api/keys", null, "Cookie", cookie).statusCode()).isEqualTo(401);

      // sign-in attempts: 3 a minute per address, right or wrong (one right one above)
      assertThat(send(base, "POST", "/console/session", "{\"admin_key\":\"wrong\"}").statusCode()).isEqualTo(401);
      assertThat(send(base, "POST", "/console/session", "{\"admin_key\":\"wrong\"}").statusCode()).isEqualTo(401);
      HttpResponse<String> limited = send(base, "POST", "/console/session", "{\"admin_key\":\"" + ADMIN + "\"}");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(s ->
          assertThat(Integer.parseInt(s)).isBetween(1, 60));
      assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
    }
  }

  @Test
  void usageExportsAsCsv() throws Exception {
    try (E2e.Gateway g = new E2e.Gateway(Database.Dialect.SQLITE, """
        auth:
          admin_api_key: "%s"
        usage:
          flush_interval_millis: 1
        """.formatted(ADMIN))) {
      for (String model : List.of("gpt-4o", "=cmd|calc")) {
        g.h.post("/v1/chat/completions",
            "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      }
      HttpResponse<String> csv;
      int rows = 0;
      do {
        csv = g.h.get("/admin/usage?by=model&format=csv", "Authorization", "Bearer " + ADMIN);
        rows = (int) csv.body().lines().count();
      } while (rows < 4 && sleep());
      assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
      assertThat(csv.headers().firstValue("Content-Disposition")).hasValue(
          "attachment; filename=\"sluice-usage-by-model.csv\"");
      List<String> lines = csv.body().lines().toList();
      assertThat(lines.getFirst()).isEqualTo(
          "model,requests,prompt_tokens,completion_tokens,cached_tokens,reasoning_tokens,errors");
      assertThat(lines).as("a cell a spreadsheet would run as a formula is quoted with '")
          .anySatisfy(l -> assertThat(l).startsWith("'=cmd|calc,1,10,"))
          .anySatisfy(l -> assertThat(l).startsWith("gpt-4o,1,10,"))
          .anySatisfy(l -> assertThat(l).startsWith("total,2,20,"));
    }
  }

  static boolean sleep() throws InterruptedException {
    Thread.sleep(50);
    return true;
  }

  @Test
  void chatGptAccountsSignInByDeviceCodeAndPastedCallbackAndAreRemoved() throws Exception {
    FakeOAuthIssuer issuer = FakeOAuthIssuer.start(Clock.systemUTC());
    FakeCodexBackend backend = FakeCodexBackend.start(issuer, Clock.systemUTC());
    Path accounts = Files.createTempDirectory("sluice-accounts");
    Path db = Files.createTempDirectory("sluice-test").resolve("sluice.db");
    Wiring sluice = Wiring.start(Config.fromYaml(Map.of(), """
        server: { listen: "127.0.0.1:0" }
        auth: { downstream_api_key: "%s", admin_api_key: "%s" }
        storage: { url: "jdbc:sqlite:%s" }
        upstream: { mode: codex_oauth, codex_base_url: "%s" }
        oauth: { issuer: "%s" }
        accounts: { dir: "%s", encryption_key: "%s" }
        """.formatted(GatewayHarness.KEY, ADMIN, db, backend.baseUrl(), issuer.issuer(), accounts,
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))).await();
    try {
      String base = "http://127.0.0.1:" + sluice.port();
      String[] s = signIn(base);
      String[] auth = {"Cookie", s[0], "X-CSRF-Token", s[1], "Content-Type", "application/json"};
      JsonNode none = Json.parse(send(base, "GET", "/console/api/accounts", null, auth).body());
      assertThat(none.path("pool").asBoolean()).isTrue();
      assertThat(none.path("data")).isEmpty();

      issuer.nextIdentity(new FakeOAuthIssuer.Identity("acct-device", "device@example.com", "plus"));
      HttpResponse<String> device = send(base, "POST", "/console/api/accounts/logins", "{\"method\":\"device\"}", auth);
      assertThat(device.statusCode()).as(device.body()).isEqualTo(201);
      JsonNode d = Json.parse(device.body());
      assertThat(d.path("user_code").asText()).isNotEmpty();
      assertThat(d.path("verification_url").asText()).startsWith(issuer.issuer());
      JsonNode status;
      do {
        status = Json.parse(send(base, "GET", "/console/api/accounts/logins/" + d.path("id").asText(), null, auth).body());
      } while (status.path("status").asText().equals("pending") && sleep());
      assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("signed_in");
      assertThat(status.path("account_id").asText()).isEqualTo("acct-device");

      issuer.nextIdentity(new FakeOAuthIssuer.Identity("acct-browser", "browser@example.com", "pro"));
      JsonNode b = Json.parse(send(base, "POST", "/console/api/accounts/logins", "{\"method\":\"browser\"}", auth).body());
      String callback = issuer.approve(URI.create(b.path("authorize_url").asText()));
      String otherState = callback.replaceAll("state=[^&]+", "state=someone-else");
      HttpResponse<String> wrong = send(base, "POST", "/console/api/accounts/logins/" + b.path("id").asText()
          + "/callback", Json.write(Json.object().put("url", otherState)), auth);
      assertThat(wrong.statusCode()).isEqualTo(400);
      HttpResponse<String> done = send(base, "POST", "/console/api/accounts/logins/" + b.path("id").asText()
          + "/callback", Json.write(Json.object().put("url", callback)), auth);
      assertThat(Json.parse(done.body()).path("status").asText()).as(done.body()).isEqualTo("signed_in");

      JsonNode fromAdmin = Json.parse(send(base, "POST", "/admin/accounts/logins", "{\"method\":\"browser\"}",
          "Authorization", "Bearer " + ADMIN, "Content-Type", "application/json").body());
      HttpResponse<String> seen = send(base, "GET", "/console/api/accounts/logins/" + fromAdmin.path("id").asText(),
          null, auth);
      assertThat(seen.statusCode()).as("a sign-in started on /admin is found by the console: " + seen.body())
          .isEqualTo(200);
      assertThat(Json.parse(seen.body()).path("status").asText()).isEqualTo("pending");

      JsonNode list = Json.parse(send(base, "GET", "/console/api/accounts", null, auth).body());
      assertThat(list.path("data").findValuesAsText("email")).containsExactlyInAnyOrder("device@example.com",
          "browser@example.com");
      assertThat(list.toString()).doesNotContain("access_token").doesNotContain("refresh_token");
      assertThat(send(base, "GET", "/metrics", null, "Authorization", "Bearer " + ADMIN).body())
          .contains("sluice_accounts{state=\"active\"} 2.0");

      assertThat(send(base, "DELETE", "/console/api/accounts/acct-device", null, "Cookie", s[0]).statusCode())
          .as("no CSRF token").isEqualTo(403);
      assertThat(send(base, "DELETE", "/console/api/accounts/acct-device", null, auth).statusCode()).isEqualTo(204);
      assertThat(Json.parse(send(base, "GET", "/console/api/accounts", null, auth).body()).path("data")
          .findValuesAsText("id")).containsExactly("acct-browser");
    } finally {
      sluice.close();
      backend.close();
      issuer.close();
    }
  }
}
