package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "sluice", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "An OpenAI-compatible LLM gateway.",
    subcommands = {ServeCommand.class, AuthCommand.class, KeysCommand.class, UsageCommand.class, RoutesCommand.class,
        CommandLine.HelpCommand.class})
public final class SluiceCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    return new CommandLine(new SluiceCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
