package dev.sluice.keys;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A stored API key as shown to operators: never the key itself nor its hash.
 *
 * @param id stable id ({@code key_...})
 * @param prefix the key's first characters, for recognising it ({@code sk-sluice-AbC123})
 * @param name operator's label
 * @param plan plan name, or null for unlimited
 * @param models models the key may use; empty means all
 * @param createdAt creation time
 * @param expiresAt end of validity, or null
 * @param revokedAt revocation time, or null
 * @param lastUsedAt last successful authentication (updated in batches), or null
 */
public record ApiKey(String id, String prefix, String name, String plan, List<String> models,
                     Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
  public ApiKey {
    models = models == null ? List.of() : List.copyOf(models);
  }

  /** Whether the key authenticates at {@code now}: neither revoked nor expired. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  public String status(Instant now) {
    if (revokedAt != null) {
      return "revoked";
    }
    return expiresAt != null && !now.isBefore(expiresAt) ? "expired" : "active";
  }

  public Principal principal() {
    return new Principal(id, name, plan, Set.copyOf(models));
  }

  ApiKey withLastUsed(Instant t) {
    return new ApiKey(id, prefix, name, plan, models, createdAt, expiresAt, revokedAt, t);
  }
}
