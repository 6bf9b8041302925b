package dev.sluice.accounts;

import dev.sluice.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.accounts.oauth.BrowserLogin;
import dev.sluice.accounts.oauth.DeviceCode;
import dev.sluice.accounts.oauth.DeviceLogin;
import dev.sluice.accounts.oauth.OAuthClient;
import dev.sluice.accounts.oauth.OAuthException;
import dev.sluice.accounts.oauth.OAuthSettings;
import dev.sluice.accounts.oauth.Pkce;
import dev.sluice.accounts.oauth.TokenResponse;
import dev.sluice.config.Config;
import dev.sluice.fake.FakeOAuthIssuer;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OAuthLoginTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private FakeOAuthIssuer issuer;
  private OAuthClient oauth;
  private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();

  @BeforeEach
  void setUp() {
    issuer = FakeOAuthIssuer.start(clock);
    Config cfg = Config.fromYaml("oauth: {issuer: \"" + issuer.issuer() + "\", redirect_port: 0, redirect_fallback_port: 0}",
        Map.of());
    oauth = new OAuthClient(OAuthSettings.fromConfig(cfg), HttpClient.newHttpClient(), Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() {
    issuer.close();
  }

  @Test
  void signInThroughTheLocalCallback() throws Exception {
    issuer.nextIdentity(new FakeOAuthIssuer.Identity("acct-cb", "cb@example.com", "pro"));
    try (BrowserLogin login = BrowserLogin.start(oauth, null, m -> { })) {
      assertThat(login.redirectUri()).isEqualTo("http://localhost:" + login.port() + "/auth/callback");
      HttpResponse<String> page = browser.send(HttpRequest.newBuilder(login.authorizeUrl()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("Signed in");
      TokenResponse t = login.result().get(10, TimeUnit.SECONDS);
      Account a = Account.signedIn(t, clock.instant());
      assertThat(a.id()).isEqualTo("acct-cb");
      assertThat(a.email()).isEqualTo("cb@example.com");
      assertThat(a.plan()).isEqualTo("pro");
      assertThat(issuer.isValidAccessToken(a.tokens().accessToken())).isTrue();
      assertThat(a.tokens().accessExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    }
  }

  @Test
  void authorizeUrlCarriesPkceStateAndCodexParameters() throws Exception {
    try (BrowserLogin login = BrowserLogin.start(oauth, null, m -> { })) {
      String q = login.authorizeUrl().getRawQuery();
      assertThat(q).contains("code_challenge_method=S256", "id_token_add_organizations=true",
          "codex_cli_simplified_flow=true", "originator=codex_cli_rs", "client_id=app_EMoamEEZ73f0CkXaXp7hrann",
          "scope=openid%20profile%20email%20offline_access", "response_type=code");
      assertThat(login.authorizeUrl().toString()).startsWith(issuer.issuer() + "/oauth/authorize?");
    }
  }

  @Test
  void pastedCallbackUrlSignsInWhenTheBrowserCannotReachThisHost() throws Exception {
    PipedOutputStream typed = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(typed);
    List<String> notices = new CopyOnWriteArrayList<>();
    try (BrowserLogin login = BrowserLogin.start(oauth, stdin, notices::add)) {
      String callback = issuer.approve(login.authorizeUrl());
      typed.write("hello\n".getBytes(StandardCharsets.UTF_8));
      typed.write(("  " + callback + "  \n").getBytes(StandardCharsets.UTF_8));
      typed.flush();
      TokenResponse t = login.result().get(10, TimeUnit.SECONDS);
      assertThat(Account.signedIn(t, clock.instant()).id()).isEqualTo("acct-1111");
      assertThat(notices).anyMatch(n -> n.contains("not the callback URL"));
    }
  }

  @Test
  void callbackWithAnotherStateIsRefusedAndTheLoginKeepsWaiting() throws Exception {
    try (BrowserLogin login = BrowserLogin.start(oauth, null, m -> { })) {
      HttpResponse<String> r = browser.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + login.port() + "/auth/callback?code=abc&state=forged")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(login.result()).isNotDone();
      browser.send(HttpRequest.newBuilder(login.authorizeUrl()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(login.result().get(10, TimeUnit.SECONDS).accessToken()).isNotBlank();
    }
  }

  @Test
  void refusedSignInEndsTheLogin() throws Exception {
    try (BrowserLogin login = BrowserLogin.start(oauth, null, m -> { })) {
      String state = login.authorizeUrl().getRawQuery().replaceAll(".*state=([^&]+).*", "$1");
      browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + login.port()
          + "/auth/callback?error=access_denied&state=" + state)).build(), HttpResponse.BodyHandlers.ofString());
      assertThatThrownBy(() -> login.result().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(OAuthException.class).hasMessageContaining("access_denied");
    }
  }

  @Test
  void codesAreSingleUseAndBoundToTheVerifier() throws Exception {
    Pkce pkce = Pkce.generate();
    String redirect = "http://localhost:1455/auth/callback";
    String code = code(issuer.approve(oauth.authorizeUrl(pkce, Pkce.randomToken(), redirect)));
    assertThatThrownBy(() -> oauth.exchangeCode(code, Pkce.generate().verifier(), redirect).get())
        .hasCauseInstanceOf(OAuthException.class).hasMessageContaining("invalid_grant");

    String code2 = code(issuer.approve(oauth.authorizeUrl(pkce, Pkce.randomToken(), redirect)));
    assertThat(oauth.exchangeCode(code2, pkce.verifier(), redirect).get().refreshToken()).isNotNull();
    ExecutionException again = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> oauth.exchangeCode(code2, pkce.verifier(), redirect).get());
    assertThat(((OAuthException) again.getCause()).errorCode()).isEqualTo("invalid_grant");
  }

  @Test
  void deviceCodeSignInPollsUntilApproved() throws Exception {
    issuer.devicePendingPolls(2).nextIdentity(new FakeOAuthIssuer.Identity("acct-dev", "dev@example.com", "team"));
    DeviceCode code = oauth.requestDeviceCode().get(10, TimeUnit.SECONDS);
    assertThat(code.userCode()).matches("\\d{4}-\\d{4}");
    assertThat(code.verificationUrl()).isEqualTo(issuer.issuer() + "/codex/device");
    AtomicInteger waits = new AtomicInteger();
    TokenResponse t = DeviceLogin.await(oauth, code, Duration.ofMinutes(15), clock, d -> waits.incrementAndGet());
    assertThat(waits.get()).isEqualTo(2);
    Account a = Account.signedIn(t, clock.instant());
    assertThat(a.id()).isEqualTo("acct-dev");
    assertThat(a.plan()).isEqualTo("team");
    assertThat(code.toString()).doesNotContain(code.userCode());
  }

  @Test
  void deviceCodeSignInGivesUpAfterTheMaximumWait() throws Exception {
    issuer.devicePendingPolls(1_000);
    DeviceCode code = oauth.requestDeviceCode().get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> DeviceLogin.await(oauth, code, Duration.ofMinutes(15), clock,
        d -> clock.advance(Duration.ofMinutes(5))))
        .isInstanceOf(OAuthException.class).hasMessageContaining("timed out");
  }

  @Test
  void importsTheCodexCliAuthFile(@TempDir Path dir) throws Exception {
    FakeOAuthIssuer.Issued t = issuer.issue(new FakeOAuthIssuer.Identity("acct-cli", "cli@example.com", "pro"));
    Path file = dir.resolve("auth.json");
    Files.writeString(file, """
        {"auth_mode":"chatgpt","OPENAI_API_KEY":null,
         "tokens":{"id_token":"%s","access_token":"%s","refresh_token":"%s","account_id":"acct-cli"},
         "last_refresh":"2026-02-28T09:30:00.123456Z"}
        """.formatted(t.idToken(), t.accessToken(), t.refreshToken()));
    Account a = CodexAuthImport.read(file, clock.instant());
    assertThat(a.id()).isEqualTo("acct-cli");
    assertThat(a.email()).isEqualTo("cli@example.com");
    assertThat(a.plan()).isEqualTo("pro");
    assertThat(a.tokens().refreshToken()).isEqualTo(t.refreshToken());
    assertThat(a.tokens().lastRefresh()).isEqualTo(Instant.parse("2026-02-28T09:30:00.123456Z"));
    assertThat(a.tokens().accessExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
  }

  @Test
  void importRefusesAnApiKeyOnlyFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("auth.json");
    Files.writeString(file, "{\"OPENAI_API_KEY\":\"sk-secret-123\",\"tokens\":null}");
    assertThatThrownBy(() -> CodexAuthImport.read(file, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API key")
        .hasMessageNotContaining("sk-secret-123");
  }

  private static String code(String callbackUrl) {
    return callbackUrl.replaceAll(".*[?&]code=([^&]+).*", "$1");
  }
}
