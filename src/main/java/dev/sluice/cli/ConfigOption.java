package dev.sluice.cli;

import dev.sluice.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that read the configuration. */
public final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML config file (default: sluice.yaml when present, else built-in defaults); "
          + "SLUICE_* environment variables override it")
  Path file;

  public Config load() {
    Path f = file;
    if (f == null && Files.isRegularFile(Path.of("sluice.yaml"))) {
      f = Path.of("sluice.yaml");
    }
    return Config.load(f, System.getenv());
  }
}
