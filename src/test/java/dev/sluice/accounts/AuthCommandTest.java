package dev.sluice.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.fake.FakeOAuthIssuer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuthCommandTest {
  @TempDir
  Path dir;
  private FakeOAuthIssuer issuer;
  private Path config;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws Exception {
    issuer = FakeOAuthIssuer.start(Clock.systemUTC());
    config = dir.resolve("sluice.yaml");
    Files.writeString(config, """
        oauth:
          issuer: "%s"
          redirect_port: 0
        upstream:
          codex_base_url: "%s"
        accounts:
          dir: "%s"
        """.formatted(issuer.issuer(), issuer.issuer(), dir.resolve("state")));
  }

  @AfterEach
  void tearDown() {
    issuer.close();
  }

  private int run(String... args) {
    CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = config.toString();
    return cl.execute(all);
  }

  private FakeOAuthIssuer.Issued importAccount(String id, String email) throws Exception {
    FakeOAuthIssuer.Issued t = issuer.issue(new FakeOAuthIssuer.Identity(id, email, "pro"));
    Path file = dir.resolve(id + "-auth.json");
    Files.writeString(file, """
        {"auth_mode":"chatgpt","OPENAI_API_KEY":null,
         "tokens":{"id_token":"%s","access_token":"%s","refresh_token":"%s","account_id":"%s"},
         "last_refresh":"%s"}
        """.formatted(t.idToken(), t.accessToken(), t.refreshToken(), id, java.time.Instant.now()));
    assertThat(run("auth", "import", file.toString())).isZero();
    return t;
  }

  @Test
  void statusShowsEveryAccountAndItsLimitsButNeverAToken() throws Exception {
    FakeOAuthIssuer.Issued a = importAccount("acct-a", "a@example.com");
    FakeOAuthIssuer.Issued b = importAccount("acct-b", "b@example.com");
    issuer.usage("acct-a", 42, 7);
    assertThat(out.toString()).contains("Signed in account acct-b (b@example.com, plan pro)");

    out.getBuffer().setLength(0);
    assertThat(run("auth", "status")).isZero();
    String text = out.toString();
    assertThat(text).contains("acct-a  a@example.com  plan pro  active", "acct-b  b@example.com  plan pro  active",
        "primary 42% used of 300 min", "secondary 7% used of 10080 min", "limits: unknown");
    for (FakeOAuthIssuer.Issued t : new FakeOAuthIssuer.Issued[] {a, b}) {
      for (String secret : new String[] {t.accessToken(), t.refreshToken(), t.idToken(),
          t.accessToken().split("\\.")[1], t.accessToken().split("\\.")[2]}) {
        assertThat(text).doesNotContain(secret);
      }
    }

    out.getBuffer().setLength(0);
    assertThat(run("auth", "status", "--json", "--offline")).isZero();
    assertThat(out.toString()).contains("\"id\":\"acct-a\"", "\"state\":\"active\"")
        .doesNotContain(a.refreshToken(), a.accessToken(), b.idToken());
  }

  @Test
  void logoutForgetsTheAccount() throws Exception {
    importAccount("acct-a", "a@example.com");
    importAccount("acct-b", "b@example.com");
    assertThat(run("auth", "logout", "a@example.com")).isZero();
    out.getBuffer().setLength(0);
    assertThat(run("auth", "status", "--offline")).isZero();
    assertThat(out.toString()).contains("acct-b").doesNotContain("acct-a");
    assertThat(run("auth", "logout", "acct-zzz")).isEqualTo(1);
    assertThat(err.toString()).contains("no account acct-zzz");
  }

  @Test
  void deviceLoginFromTheCommandLine() {
    issuer.devicePendingPolls(0).nextIdentity(new FakeOAuthIssuer.Identity("acct-d", "d@example.com", "team"));
    assertThat(run("auth", "login", "--device")).as(err.toString()).isZero();
    assertThat(out.toString()).contains(issuer.issuer() + "/codex/device", "one-time code",
        "Signed in account acct-d (d@example.com, plan team)");
    out.getBuffer().setLength(0);
    run("auth", "status", "--offline");
    assertThat(out.toString()).contains("acct-d  d@example.com  plan team  active");
  }

  @Test
  void statusWithoutAccountsSaysHowToSignIn() {
    assertThat(run("auth", "status")).isZero();
    assertThat(out.toString()).contains("No accounts", "sluice auth login");
  }

  @Test
  void importOfAMissingFileFails() {
    assertThat(run("auth", "import", dir.resolve("nope.json").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no such file");
  }
}
