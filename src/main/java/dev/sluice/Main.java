package dev.sluice;

import dev.sluice.cli.ServeCommand;
import dev.sluice.cli.SluiceCommand;

/** Process entry point: the picocli command tree ({@code serve} with only a config file goes straight to the server). */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Integer served = ServeCommand.callPlain(args);
    System.exit(served != null ? served : SluiceCommand.commandLine().execute(args));
  }
}
