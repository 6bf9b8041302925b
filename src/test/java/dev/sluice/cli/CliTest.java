package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
  record Run(int exit, String out, String err) {
  }

  static Run run(String... args) {
    CommandLine cl = SluiceCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void versionAndHelp() {
    assertThat(run("--version").out()).startsWith("sluice ");
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("serve", "auth", "keys", "usage");
  }

  @Test
  void serveWithOnlyAConfigFileStartsWithoutPicocliAndAnythingElseIsLeftToIt() throws Exception {
    // a missing file is the configuration error picocli's path gives too (exit 2), before anything starts
    assertThat(ServeCommand.callPlain(new String[] {"serve", "--config", "/nonexistent/sluice.yaml"})).isEqualTo(2);
    assertThat(ServeCommand.callPlain(new String[] {"serve", "-c", "/nonexistent/sluice.yaml"})).isEqualTo(2);
    assertThat(ServeCommand.callPlain(new String[] {"serve", "--config=/nonexistent/sluice.yaml"})).isEqualTo(2);
    for (String[] other : new String[][] {{"serve", "--help"}, {"serve", "-V"}, {"serve", "--config"},
        {"serve", "-c", "a.yaml", "extra"}, {"serve", "--bogus"}, {"keys", "list"}, {}}) {
      assertThat(ServeCommand.callPlain(other)).as(String.join(" ", other)).isNull();
    }
    assertThat(run("serve", "--help").out()).contains("--config");
  }

  @Test
  void everyCommandHasUsefulHelp() {
    CommandLine root = SluiceCommand.commandLine();
    List<CommandLine> all = new java.util.ArrayList<>();
    collect(root, all);
    assertThat(all.size()).isGreaterThan(10);
    for (CommandLine c : all) {
      if (c.getCommandName().equals("help")) {
        continue;
      }
      String usage = c.getUsageMessage();
      assertThat(c.getCommandSpec().usageMessage().description()).as(c.getCommandName()).isNotEmpty();
      assertThat(usage).as(c.getCommandName()).contains("-h, --help");
    }
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().forEach(s -> collect(s, out));
  }

  @Test
  void serveWithABadConfigStopsAndNamesTheKey() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("sluice", ".yaml");
    java.nio.file.Files.writeString(f, "upstream:\n  mode: openai_api\n  base_url: not-a-url\n");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true));
    int exit;
    try {
      exit = SluiceCommand.commandLine().execute("serve", "--config", f.toString());
    } finally {
      System.setErr(old);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("upstream.base_url").contains("not-a-url");
  }
}
