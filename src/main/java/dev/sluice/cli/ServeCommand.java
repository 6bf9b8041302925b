package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway.")
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Override
  public Integer call() {
    return 0;
  }
}
