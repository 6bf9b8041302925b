package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.accounts.Account;
import dev.sluice.accounts.AccountStatus;
import dev.sluice.accounts.AccountStore;
import dev.sluice.accounts.Accounts;
import dev.sluice.accounts.CodexAuthImport;
import dev.sluice.accounts.RateWindow;
import dev.sluice.accounts.oauth.BrowserLogin;
import dev.sluice.accounts.oauth.DeviceCode;
import dev.sluice.accounts.oauth.DeviceLogin;
import dev.sluice.accounts.oauth.OAuthClient;
import dev.sluice.accounts.oauth.TokenResponse;
import dev.sluice.config.Config;
import dev.sluice.json.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import java.util.Locale;

/** {@code sluice auth}: sign ChatGPT accounts in and out, import the Codex CLI's sign-in, show status. */
@Command(name = "auth", mixinStandardHelpOptions = true,
    description = "Manage the ChatGPT accounts used in codex_oauth mode.",
    subcommands = {AuthCommand.Login.class, AuthCommand.Import.class, AuthCommand.Status.class,
        AuthCommand.Logout.class})
public final class AuthCommand implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Common plumbing: output streams and error reporting. */
  abstract static class Sub implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() {
      try {
        return run(config.load());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted");
      } catch (ExecutionException e) {
        return fail(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      } catch (java.util.concurrent.TimeoutException e) {
        return fail("timed out");
      } catch (Exception e) {
        return fail(e.getMessage());
      }
    }

    int fail(String message) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("sluice auth " + spec.name() + ": " + message);
      err.flush();
      return 1;
    }

    abstract int run(Config cfg) throws Exception;

    /** Saves an account, keeping the date it was first added. */
    static Account save(AccountStore store, Account a) {
      Account kept = store.load(a.id())
          .map(old -> new Account(a.id(), a.email(), a.plan(), a.state(), a.stateReason(), a.tokens(),
              old.addedAt(), a.updatedAt()))
          .orElse(a);
      store.save(kept);
      return kept;
    }

    void signedIn(Account a, AccountStore store) {
      out().println("Signed in account " + a.id() + describe(a) + ".");
      out().println("Accounts stored in " + store.location() + ": " + store.loadAll().size());
      out().flush();
    }
  }

  @Command(name = "login", mixinStandardHelpOptions = true,
      description = {"Sign in a ChatGPT account (run it again to add more accounts).",
          "Opens a callback on localhost:1455. On a remote host, paste the URL the browser ends on, "
              + "or use --device."})
  static final class Login extends Sub {
    @Option(names = "--device", description = "Device-code sign-in for headless servers.")
    boolean device;

    @Option(names = "--no-browser", description = "Do not try to open a browser; just print the URL.")
    boolean noBrowser;

    @Override
    int run(Config cfg) throws Exception {
      Duration timeout = Duration.ofSeconds(cfg.integer("oauth.login_timeout_seconds", 10, 86_400));
      try (Accounts accounts = Accounts.fromConfig(cfg, Clock.systemUTC())) {
        TokenResponse tokens = device ? device(accounts.oauth(), timeout) : browser(accounts.oauth(), timeout);
        Account a = save(accounts.store(), Account.signedIn(tokens, Instant.now()));
        signedIn(a, accounts.store());
        return 0;
      }
    }

    private TokenResponse browser(OAuthClient oauth, Duration timeout) throws Exception {
      PrintWriter out = out();
      try (BrowserLogin login = BrowserLogin.start(oauth, System.in, msg -> {
        out.println(msg);
        out.flush();
      })) {
        String url = login.authorizeUrl().toString();
        out.println("Open this address in a browser and sign in with ChatGPT:");
        out.println();
        out.println("  " + url);
        out.println();
        out.println("Waiting for the browser on " + login.redirectUri() + " ...");
        out.println("If the browser runs on another machine it will end on an unreachable "
            + login.redirectUri() + "?code=... page: copy that page's full address, paste it here and press Enter.");
        out.flush();
        if (!noBrowser) {
          tryOpen(url);
        }
        return login.result().get(timeout.toSeconds(), TimeUnit.SECONDS);
      }
    }

    private TokenResponse device(OAuthClient oauth, Duration timeout) throws Exception {
      DeviceCode code = oauth.requestDeviceCode().get(60, TimeUnit.SECONDS);
      PrintWriter out = out();
      out.println("On any device, open");
      out.println();
      out.println("  " + code.verificationUrl());
      out.println();
      out.println("and enter the one-time code  " + code.userCode() + "  (it expires in 15 minutes; never share it).");
      out.println("Waiting for approval ...");
      out.flush();
      return DeviceLogin.await(oauth, code, timeout, Clock.systemUTC(),
          d -> Thread.sleep(Math.max(1000, d.toMillis())));
    }

    private static void tryOpen(String url) {
      try {
        if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
            && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
          java.awt.Desktop.getDesktop().browse(java.net.URI.create(url));
        }
      } catch (Exception | LinkageError e) {
        // the printed URL is enough
      }
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import the Codex CLI's sign-in (default: $CODEX_HOME/auth.json or ~/.codex/auth.json).")
  static final class Import extends Sub {
    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The auth.json to import.")
    Path file;

    @Override
    int run(Config cfg) throws Exception {
      Path f = file != null ? file : CodexAuthImport.defaultPath(System.getenv());
      if (!Files.isRegularFile(f)) {
        return fail("no such file: " + f);
      }
      Account a = CodexAuthImport.read(f, Instant.now());
      try (AccountStore store = Accounts.openStore(cfg)) {
        a = save(store, a);
        out().println("Imported from " + f + ".");
        signedIn(a, store);
      }
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "List the accounts: id, email, plan, state, token expiry and usage limits (never a token).")
  static final class Status extends Sub {
    @Option(names = "--offline", description = "Do not ask the backend for current usage limits.")
    boolean offline;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    int run(Config cfg) throws Exception {
      try (Accounts accounts = Accounts.fromConfig(cfg, Clock.systemUTC())) {
        Map<String, String> problems = new HashMap<>();
        if (!offline) {
          List<CompletableFuture<Void>> all = new ArrayList<>();
          for (Account a : accounts.registry().all()) {
            if (!a.active()) {
              continue;
            }
            all.add(accounts.tokens().token(a.id())
                .thenCompose(t -> accounts.usage().fetch(t))
                .thenAccept(u -> accounts.pool().onUsageSnapshot(a.id(), u))
                .exceptionally(e -> {
                  Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                      ? e.getCause() : e;
                  problems.put(a.id(), c.getMessage());
                  return null;
                }));
          }
          try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            out().println("(some usage requests timed out)");
          }
        }
        List<AccountStatus> rows = accounts.pool().status();
        if (json) {
          printJson(rows, problems);
        } else {
          printText(rows, problems, Instant.now());
        }
        out().flush();
        return 0;
      }
    }

    private void printText(List<AccountStatus> rows, Map<String, String> problems, Instant now) {
      PrintWriter out = out();
      if (rows.isEmpty()) {
        out.println("No accounts. Sign one in with: sluice auth login (or --device, or sluice auth import)");
        return;
      }
      for (AccountStatus s : rows) {
        out.println(s.id() + "  " + (s.email() == null ? "-" : s.email()) + "  plan " + (s.plan() == null ? "-" : s.plan())
            + "  " + (s.state() == dev.sluice.accounts.AccountState.ACTIVE ? "active"
                : "NEEDS SIGN-IN (" + s.stateReason() + "): run sluice auth login"));
        out.println("  access token expires " + when(s.accessTokenExpiresAt(), now)
            + "; last refresh " + when(s.lastRefresh(), now));
        if (s.primary() != null || s.secondary() != null) {
          out.println("  limits: primary " + window(s.primary(), now) + "; secondary " + window(s.secondary(), now));
        } else if (problems.containsKey(s.id())) {
          out.println("  limits: unknown (" + problems.get(s.id()) + ")");
        } else {
          out.println("  limits: unknown");
        }
      }
    }

    private void printJson(List<AccountStatus> rows, Map<String, String> problems) {
      ArrayNode arr = Json.MAPPER.createArrayNode();
      for (AccountStatus s : rows) {
        ObjectNode n = arr.addObject().put("id", s.id()).put("email", s.email()).put("plan", s.plan())
            .put("state", s.state().name().toLowerCase(Locale.ROOT)).put("state_reason", s.stateReason())
            .put("access_token_expires_at", str(s.accessTokenExpiresAt())).put("last_refresh", str(s.lastRefresh()));
        windowJson(n, "primary", s.primary());
        windowJson(n, "secondary", s.secondary());
        if (problems.containsKey(s.id())) {
          n.put("limits_error", problems.get(s.id()));
        }
      }
      out().println(Json.write(arr));
    }

    private static void windowJson(ObjectNode n, String name, RateWindow w) {
      if (w == null) {
        n.putNull(name);
        return;
      }
      n.putObject(name).put("used_percent", w.usedPercent()).put("window_minutes", w.windowMinutes())
          .put("resets_at", str(w.resetsAt()));
    }

    private static String str(Instant i) {
      return i == null ? null : i.toString();
    }

    private static String window(RateWindow w, Instant now) {
      if (w == null) {
        return "unknown";
      }
      return String.format(Locale.ROOT, "%.0f%% used", w.usedPercent())
          + (w.windowMinutes() == null ? "" : " of " + w.windowMinutes() + " min")
          + (w.resetsAt() == null ? "" : ", resets " + when(w.resetsAt(), now));
    }

    private static String when(Instant t, Instant now) {
      if (t == null) {
        return "unknown";
      }
      long s = Duration.between(now, t).getSeconds();
      String rel = Math.abs(s) < 90 ? Math.abs(s) + " s" : Math.abs(s) < 5400 ? Math.abs(s) / 60 + " min"
          : Math.abs(s) < 172_800 ? Math.abs(s) / 3600 + " h" : Math.abs(s) / 86_400 + " d";
      return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (" + (s >= 0 ? "in " + rel : rel + " ago") + ")";
    }
  }

  @Command(name = "logout", mixinStandardHelpOptions = true,
      description = "Forget an account (its tokens are deleted from this host).")
  static final class Logout extends Sub {
    @Parameters(paramLabel = "ACCOUNT", description = "Account id or email, as shown by auth status.")
    String account;

    @Override
    int run(Config cfg) {
      try (AccountStore store = Accounts.openStore(cfg)) {
        return logout(store);
      }
    }

    private int logout(AccountStore store) {
      List<Account> matches = store.loadAll().stream()
          .filter(a -> a.id().equals(account) || account.equalsIgnoreCase(a.email() == null ? "" : a.email()))
          .toList();
      if (matches.isEmpty()) {
        return fail("no account " + account + " (see sluice auth status)");
      }
      if (matches.size() > 1) {
        return fail(account + " matches several accounts; give the account id");
      }
      store.delete(matches.get(0).id());
      out().println("Signed out account " + matches.get(0).id() + describe(matches.get(0))
          + ". A running gateway stops using it at its next token refresh or restart.");
      out().flush();
      return 0;
    }
  }

  static String describe(Account a) {
    List<String> parts = new ArrayList<>();
    if (a.email() != null) {
      parts.add(a.email());
    }
    if (a.plan() != null) {
      parts.add("plan " + a.plan());
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }
}
