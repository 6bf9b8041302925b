package dev.sluice.keys;

import java.util.Set;

/**
 * Who is calling: the API key that authenticated a request.
 *
 * @param keyId stable id of the key (never the key itself); {@code "config"} for the fixed config key
 * @param name human name of the key
 * @param plan plan name, or null for unlimited
 * @param allowedModels models the key may use; empty means all
 */
public record Principal(String keyId, String name, String plan, Set<String> allowedModels) {
  public Principal {
    allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
  }

  public boolean allows(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }
}
