package dev.sluice.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.accounts.Account;
import dev.sluice.accounts.Accounts;
import dev.sluice.accounts.oauth.CallbackParams;
import dev.sluice.accounts.oauth.DeviceCode;
import dev.sluice.accounts.oauth.DeviceLogin;
import dev.sluice.accounts.oauth.OAuthException;
import dev.sluice.accounts.oauth.Pkce;
import dev.sluice.accounts.oauth.TokenResponse;
import dev.sluice.error.ApiError;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ChatGPT sign-ins started from the console, as {@code sluice auth login} runs them: by device code
 * (polled here until approved), or in the admin's own browser with the callback URL pasted back (PKCE
 * verifier and state kept here, never sent to the page). Each sign-in is remembered for 20 minutes
 * under a random id. Blocking methods: call from workers.
 */
final class AccountLogins {
  private static final Logger LOG = LoggerFactory.getLogger(AccountLogins.class);
  private static final Duration DEVICE_WAIT = Duration.ofMinutes(15);

  /** One sign-in in progress or ended. */
  static final class Login {
    final String id = Pkce.randomToken();
    final Pkce pkce = Pkce.generate();
    final String state = Pkce.randomToken();
    volatile String redirectUri;
    volatile String status = "pending";
    volatile String accountId;
    volatile String error;
  }

  private final Accounts accounts;
  private final Clock clock;
  private final Cache<String, Login> logins = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(20))
      .maximumSize(100).build();

  AccountLogins(Accounts accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
  }

  Login find(String id) {
    Login l = id == null ? null : logins.getIfPresent(id);
    if (l == null) {
      throw ApiError.notFound("no sign-in with that id (they last 20 minutes)").exception();
    }
    return l;
  }

  /** Asks the issuer for a device code and polls for its approval on a thread of its own. */
  DeviceCode startDevice(Login login) throws Exception {
    DeviceCode code = get(accounts.oauth().requestDeviceCode());
    logins.put(login.id, login);
    Thread.ofVirtual().name("sluice-console-device-login").start(() -> {
      try {
        TokenResponse tokens = DeviceLogin.await(accounts.oauth(), code, DEVICE_WAIT, clock,
            d -> Thread.sleep(Math.max(1000, d.toMillis())));
        done(login, tokens);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed(login, "interrupted");
      } catch (Exception e) {
        failed(login, e.getMessage());
      }
    });
    return code;
  }

  /** The address to open in a browser; its callback URL comes back through {@link #finish}. */
  URI startBrowser(Login login) {
    var s = accounts.oauth().settings();
    login.redirectUri = s.redirectUri(s.redirectPort());
    logins.put(login.id, login);
    return accounts.oauth().authorizeUrl(login.pkce, login.state, login.redirectUri);
  }

  /** Exchanges the code of a pasted callback URL; a URL of another sign-in (wrong state) is refused. */
  void finish(Login login, String pasted) throws Exception {
    if (login.redirectUri == null || !"pending".equals(login.status)) {
      throw ApiError.invalidRequest("this sign-in does not take a callback URL (any more)").exception();
    }
    CallbackParams p = CallbackParams.parsePasted(pasted == null ? "" : pasted).orElseThrow(() ->
        ApiError.invalidParam("url", "paste the full address the browser ended on (with ?code=...&state=...)")
            .exception());
    if (p.state() == null || !p.state().equals(login.state)) {
      throw ApiError.invalidParam("url", "that callback URL belongs to another sign-in (its state differs)").exception();
    }
    if (p.error() != null) {
      failed(login, "sign-in refused: " + p.error());
      return;
    }
    try {
      done(login, get(accounts.oauth().exchangeCode(p.code(), login.pkce.verifier(), login.redirectUri)));
    } catch (OAuthException e) {
      failed(login, e.getMessage());
    }
  }

  private void done(Login login, TokenResponse tokens) {
    Account a = accounts.signedIn(tokens, clock.instant());
    login.accountId = a.id();
    login.status = "signed_in";
    LOG.info("console: signed in ChatGPT account {}", a.id());
  }

  private static void failed(Login login, String message) {
    login.error = message;
    login.status = "failed";
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }
}
