package dev.sluice.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to a real repository and counts hash lookups (the authenticator's database reads). */
final class CountingKeyRepository implements KeyRepository {
  final KeyRepository delegate;
  final AtomicInteger hashLookups = new AtomicInteger();

  CountingKeyRepository(KeyRepository delegate) {
    this.delegate = delegate;
  }

  @Override
  public void insert(ApiKey key, String keyHash) {
    delegate.insert(key, keyHash);
  }

  @Override
  public Optional<ApiKey> findByHash(String keyHash) {
    hashLookups.incrementAndGet();
    return delegate.findByHash(keyHash);
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return delegate.findById(id);
  }

  @Override
  public List<ApiKey> findByPrefix(String prefix) {
    return delegate.findByPrefix(prefix);
  }

  @Override
  public List<ApiKey> list() {
    return delegate.list();
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return delegate.revoke(id, at);
  }

  @Override
  public boolean replaceHash(String id, String newHash, String newPrefix) {
    return delegate.replaceHash(id, newHash, newPrefix);
  }

  @Override
  public boolean setPlan(String id, String plan) {
    return delegate.setPlan(id, plan);
  }

  @Override
  public void touch(Map<String, Instant> lastUse) {
    delegate.touch(lastUse);
  }
}
