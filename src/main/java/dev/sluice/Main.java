package dev.sluice;

import dev.sluice.cli.ServeCommand;
import dev.sluice.cli.SluiceCommand;

/** Process entry point: the picocli command tree ({@code serve} with only a config file goes straight to the server). */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    // Netty's JFR events for its buffer allocator: their classes load on the first allocation, in
    // the first request (about 0.1 s of start-up), for events Sluice never records
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    Integer served = ServeCommand.callPlain(args);
    System.exit(served != null ? served : SluiceCommand.commandLine().execute(args));
  }
}
