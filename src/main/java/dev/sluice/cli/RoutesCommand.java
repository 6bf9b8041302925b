package dev.sluice.cli;

import dev.sluice.config.ConfigException;
import dev.sluice.route.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice routes [MODEL...]}: the resolved route table, and where the given models would go. */
@Command(name = "routes", mixinStandardHelpOptions = true,
    description = "Print the model routes (route → upstream targets, in fallback order) and where each "
        + "given model would go.")
public final class RoutesCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;
  @Mixin
  ConfigOption config;
  @Parameters(paramLabel = "MODEL", arity = "0..*", description = "Client model names to resolve.")
  List<String> models = new ArrayList<>();

  @Override
  public Integer call() {
    try {
      spec.commandLine().getOut().print(Routing.fromConfig(config.load()).describe(models));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sluice: " + e.getMessage());
      return 2;
    }
  }
}
