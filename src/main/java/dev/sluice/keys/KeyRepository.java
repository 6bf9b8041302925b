package dev.sluice.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Persistence of API keys by hash. Blocking: call from worker threads. */
public interface KeyRepository {
  void insert(ApiKey key, String keyHash);

  Optional<ApiKey> findByHash(String keyHash);

  Optional<ApiKey> findById(String id);

  /** Keys whose prefix starts with {@code prefix}. */
  List<ApiKey> findByPrefix(String prefix);

  /** All keys, oldest first. */
  List<ApiKey> list();

  /** Sets revoked_at unless already set; false when there is no such key. */
  boolean revoke(String id, Instant at);

  /** Replaces the key's hash and prefix; false when there is no such key. */
  boolean replaceHash(String id, String newHash, String newPrefix);

  /** Sets the key's plan (null: unlimited); false when there is no such key. */
  boolean setPlan(String id, String plan);

  /** Raises last_used_at of each key id to the given time (never lowers it). */
  void touch(Map<String, Instant> lastUse);
}
