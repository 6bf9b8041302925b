package dev.sluice.route;

/**
 * Where a route sends a request: an upstream, and the model name to ask it for.
 *
 * @param upstream the upstream's name (a key of {@code upstreams:})
 * @param model the model to ask for, or null to ask for the model the client asked for
 */
public record Target(String upstream, String model) {
  /** {@code "openai"} or {@code "deepseek:deepseek-flash"}. */
  static Target parse(String s) {
    int colon = s.indexOf(':');
    return colon < 0 ? new Target(s.trim(), null) : new Target(s.substring(0, colon).trim(), s.substring(colon + 1).trim());
  }

  /** The model the upstream is asked for, given the one the client asked for. */
  public String modelFor(String requested) {
    return model == null ? requested : model;
  }

  @Override
  public String toString() {
    return model == null ? upstream : upstream + ":" + model;
  }
}
