package dev.sluice.cli;

import picocli.CommandLine.Command;

/** Placeholder: filled in by its feature. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Not yet available.")
public final class KeysCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("not yet available");
  }
}
