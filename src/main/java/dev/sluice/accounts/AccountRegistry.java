package dev.sluice.accounts;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The accounts the running gateway knows, in memory; shared by {@link TokenManager} and {@link AccountPool}. Thread-safe. */
public final class AccountRegistry {
  private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();

  public AccountRegistry() {
  }

  public AccountRegistry(Collection<Account> initial) {
    initial.forEach(this::put);
  }

  public Optional<Account> get(String id) {
    return Optional.ofNullable(accounts.get(id));
  }

  /** All accounts, ordered by id. */
  public List<Account> all() {
    return accounts.values().stream().sorted(Comparator.comparing(Account::id)).toList();
  }

  public void put(Account a) {
    accounts.put(a.id(), a);
  }

  public void remove(String id) {
    accounts.remove(id);
  }

  /** Replaces the whole set (after re-reading the store). */
  public synchronized void replaceAll(Collection<Account> fresh) {
    var ids = fresh.stream().map(Account::id).collect(java.util.stream.Collectors.toSet());
    accounts.keySet().removeIf(id -> !ids.contains(id));
    fresh.forEach(this::put);
  }
}
