package dev.sluice.cli;

import picocli.CommandLine;

public final class VersionProvider implements CommandLine.IVersionProvider {
  public static String version() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"sluice " + version()};
  }
}
