package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.keys.KeyService;
import dev.sluice.storage.Database;
import dev.sluice.usage.JdbcUsageStore;
import dev.sluice.usage.UsageRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysAndUsageCommandTest {
  static final Pattern KEY = Pattern.compile("sk-sluice-[0-9A-Za-z]{40}");

  @TempDir
  Path dir;
  Path configFile;
  String dbUrl;

  record Run(int exit, String out, String err) {
  }

  @BeforeEach
  void config() throws Exception {
    dbUrl = "jdbc:sqlite:" + dir.resolve("cli.db");
    configFile = dir.resolve("sluice.yaml");
    Files.writeString(configFile, "storage:\n  url: \"" + dbUrl + "\"\n");
  }

  Run run(String... args) {
    CommandLine cl = SluiceCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(configFile.toString());
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  static String keyIn(String text) {
    Matcher m = KEY.matcher(text);
    assertThat(m.find()).as("a key in: %s", text).isTrue();
    return m.group();
  }

  @Test
  void keyLifecycleShowsTheKeyOnlyWhenCreatedOrRotated() {
    Run created = run("keys", "create", "--name", "ci bot", "--models", "gpt-4o,o3", "--plan", "pro",
        "--expires", "2099-12-31");
    assertThat(created.exit()).isZero();
    String key = keyIn(created.out());
    assertThat(created.out()).contains("ci bot", "pro", "gpt-4o,o3", "2100-01-01T00:00:00Z", "only time");
    String hash = KeyService.hash(key);

    Run list = run("keys", "list");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains("PREFIX", "ci bot", "pro", "gpt-4o,o3", "active", "never", key.substring(0, 16))
        .doesNotContain(key).doesNotContain(hash).doesNotContain(key.substring(16, 30));

    Run rotated = run("keys", "rotate", key.substring(0, 16));
    assertThat(rotated.exit()).isZero();
    String newKey = keyIn(rotated.out());
    assertThat(newKey).isNotEqualTo(key);
    assertThat(rotated.out()).doesNotContain(key).doesNotContain(hash).doesNotContain(KeyService.hash(newKey));

    Run revoked = run("keys", "revoke", newKey.substring(0, 16));
    assertThat(revoked.exit()).isZero();
    assertThat(revoked.out()).contains("Revoked", "ci bot").doesNotContain(newKey);

    Run after = run("keys", "list");
    assertThat(after.out()).contains("revoked").doesNotContain(newKey).doesNotContain(key)
        .doesNotContain(KeyService.hash(newKey)).doesNotContain(hash);
  }

  @Test
  void unknownKeyAndBadInputFailWithAMessage() {
    Run r = run("keys", "revoke", "key_nope");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("no API key matches 'key_nope'");

    Run bad = run("keys", "create", "--name", "x", "--expires", "soon");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("expiry must be");

    Run missing = run("keys", "create");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("--name");
  }

  @Test
  void emptyListSaysHowToCreate() {
    Run r = run("keys", "list");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("No keys");
  }

  @Test
  void usagePrintsASummaryTable() {
    String key = keyIn(run("keys", "create", "--name", "team").out());
    String keyId;
    try (Database db = Database.open(dbUrl, "", "", 1)) {
      keyId = KeyService.create(db).resolve(key.substring(0, 16)).id();
      Instant now = Instant.now();
      new JdbcUsageStore(db).insert(List.of(
          new UsageRecord(now, "r1", keyId, "chat", "gpt-4o", "up", null, 100, 20, 10, 5, 50, 200, null),
          new UsageRecord(now, "r2", keyId, "chat", "gpt-4o", "up", null, 50, 10, 0, 0, 50, 200, null),
          new UsageRecord(now, "r3", "config", "chat", "o3", "up", null, 7, 0, 0, 0, 50, 429, "rate_limited")));
    }

    Run byModel = run("usage");
    assertThat(byModel.exit()).isZero();
    List<String> lines = byModel.out().lines().toList();
    assertThat(lines.get(0)).containsSubsequence("MODEL", "REQUESTS", "PROMPT", "COMPLETION", "CACHED",
        "REASONING", "ERRORS");
    assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly("gpt-4o", "2", "150", "30", "10", "5", "0"));
    assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly("o3", "1", "7", "0", "0", "0", "1"));
    assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly("TOTAL", "3", "157", "30", "10", "5", "1"));

    Run byKey = run("usage", "--by", "key", "--key", key.substring(0, 16), "--since", "1d");
    assertThat(byKey.exit()).isZero();
    assertThat(byKey.out()).contains(keyId + " team").doesNotContain("config").doesNotContain(key);

    Run byDay = run("usage", "--by", "day", "--key", "config");
    assertThat(byDay.out()).contains(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());

    Run future = run("usage", "--since", "2999-01-01");
    assertThat(future.out()).contains("No usage recorded");

    Run bad = run("usage", "--by", "hour");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("model, key, day");
  }
}
