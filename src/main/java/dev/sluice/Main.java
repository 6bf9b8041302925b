package dev.sluice;

import dev.sluice.cli.SluiceCommand;
import picocli.CommandLine;

/** Process entry point: the picocli command tree. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    System.exit(SluiceCommand.commandLine().execute(args));
  }
}
