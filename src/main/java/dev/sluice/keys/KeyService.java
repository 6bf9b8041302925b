package dev.sluice.keys;

import dev.sluice.error.ApiError;
import dev.sluice.storage.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Creates, lists, revokes and rotates API keys. Keys are stored as SHA-256 hashes only; the secret
 * is returned once by {@link #create} and {@link #rotate}. Blocking (JDBC): call from worker
 * threads. Failures a caller can cause are {@code GatewayException}s (400/404).
 */
public final class KeyService {
  public static final String KEY_PREFIX = "sk-sluice-";
  static final int RANDOM_CHARS = 40;
  static final int SHOWN_CHARS = 6;
  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int MAX_NAME = 200;
  private static final int MAX_MODELS = 200;

  private final KeyRepository repository;
  private final Clock clock;
  private final SecureRandom random;
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();

  public KeyService(KeyRepository repository, Clock clock, SecureRandom random) {
    this.repository = repository;
    this.clock = clock;
    this.random = random;
  }

  /**
   * The key service of {@code db}. On PostgreSQL every change is also announced to the other
   * instances on the database ({@link KeyChanges}), whichever process made it.
   */
  public static KeyService create(Database db) {
    KeyService keys = new KeyService(new JdbcKeyRepository(db), Clock.systemUTC(), new SecureRandom());
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      keys.onChange(id -> KeyChanges.notifyPostgres(db, id));
    }
    return keys;
  }

  public Clock clock() {
    return clock;
  }

  /** Lowercase hex SHA-256 of the key's UTF-8 bytes. */
  public static String hash(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  static byte[] sha256(String s) {
    return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8)); // digest() resets it for the next use
  }

  /** One digest per thread: {@code getInstance} searched the security providers on every request. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /** Whether {@code presented} has the shape of a key this service issues. */
  public static boolean looksLikeKey(String presented) {
    if (presented == null || presented.length() != KEY_PREFIX.length() + RANDOM_CHARS
        || !presented.startsWith(KEY_PREFIX)) {
      return false;
    }
    for (int i = KEY_PREFIX.length(); i < presented.length(); i++) {
      char ch = presented.charAt(i);
      if (!(ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z')) {
        return false;
      }
    }
    return true;
  }

  public CreatedKey create(NewKey spec) {
    String name = spec.name() == null ? "" : spec.name().trim();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw ApiError.invalidParam("name", "name is required (at most " + MAX_NAME + " characters)").exception();
    }
    List<String> models = cleanModels(spec.models());
    String plan = spec.plan() == null || spec.plan().isBlank() ? null : spec.plan().trim();
    Instant now = clock.instant();
    if (spec.expiresAt() != null && !spec.expiresAt().isAfter(now)) {
      throw ApiError.invalidParam("expires_at", "the expiry must be in the future").exception();
    }
    String secret = newSecret();
    ApiKey key = new ApiKey("key_" + randomChars(16), prefixOf(secret), name, plan, models,
        now, spec.expiresAt(), null, null);
    repository.insert(key, hash(secret));
    return new CreatedKey(key, secret);
  }

  public List<ApiKey> list() {
    return repository.list();
  }

  /** The key with this id, unique prefix, full secret or unique name. */
  public ApiKey resolve(String ref) {
    String r = ref == null ? "" : ref.trim();
    if (r.endsWith("...") || r.endsWith("…")) {
      r = r.substring(0, r.length() - (r.endsWith("…") ? 1 : 3));
    }
    if (r.isEmpty()) {
      throw ApiError.invalidParam("key", "give a key id or prefix").exception();
    }
    Optional<ApiKey> byId = repository.findById(r);
    if (byId.isPresent()) {
      return byId.get();
    }
    if (looksLikeKey(r)) {
      return repository.findByHash(hash(r))
          .orElseThrow(() -> ApiError.notFound("no API key matches the given key").exception());
    }
    if (r.startsWith(KEY_PREFIX) && r.length() > KEY_PREFIX.length()) {
      List<ApiKey> matches = repository.findByPrefix(r);
      if (matches.size() == 1) {
        return matches.get(0);
      }
      if (matches.size() > 1) {
        throw ApiError.invalidParam("key", "prefix '" + shown(r) + "' matches " + matches.size()
            + " keys; use the key id").exception();
      }
    }
    String name = r;
    List<ApiKey> named = repository.list().stream().filter(k -> k.name().equals(name)).toList();
    if (named.size() == 1) {
      return named.get(0);
    }
    if (named.size() > 1) {
      throw ApiError.invalidParam("key", "name '" + name + "' matches " + named.size()
          + " keys; use the key id").exception();
    }
    throw ApiError.notFound("no API key matches '" + shown(r) + "'").exception();
  }

  /** Revokes the key (idempotent); it stops authenticating at once in this process. */
  public ApiKey revoke(String ref) {
    ApiKey key = resolve(ref);
    repository.revoke(key.id(), clock.instant());
    changed(key.id());
    return repository.findById(key.id()).orElse(key);
  }

  /** Replaces the key's secret, keeping its id, name, plan, models and expiry. */
  public CreatedKey rotate(String ref) {
    ApiKey key = resolve(ref);
    if (key.revokedAt() != null) {
      throw ApiError.invalidRequest("key " + key.id() + " is revoked and cannot be rotated").exception();
    }
    String secret = newSecret();
    repository.replaceHash(key.id(), hash(secret), prefixOf(secret));
    changed(key.id());
    ApiKey updated = repository.findById(key.id()).orElse(key);
    return new CreatedKey(updated, secret);
  }

  /** Puts the key on another plan (null or blank: unlimited); its next request is limited by it. */
  public ApiKey setPlan(String ref, String plan) {
    ApiKey key = resolve(ref);
    String p = plan == null || plan.isBlank() ? null : plan.trim();
    repository.setPlan(key.id(), p);
    changed(key.id());
    return repository.findById(key.id()).orElse(key);
  }

  /** The stored key with this hash, whatever its state. */
  public Optional<ApiKey> findByHash(String keyHash) {
    return repository.findByHash(keyHash);
  }

  public void recordLastUse(Map<String, Instant> lastUse) {
    repository.touch(lastUse);
  }

  /** Called with the key id after a revocation, rotation or plan change through this service. */
  public void onChange(Consumer<String> listener) {
    changeListeners.add(listener);
  }

  private void changed(String keyId) {
    for (Consumer<String> l : changeListeners) {
      l.accept(keyId);
    }
  }

  private static List<String> cleanModels(List<String> models) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String m : models) {
      if (m == null) {
        continue;
      }
      for (String part : m.split(",")) {
        String p = part.trim();
        if (!p.isEmpty()) {
          out.add(p);
        }
      }
    }
    if (out.size() > MAX_MODELS) {
      throw ApiError.invalidParam("models", "at most " + MAX_MODELS + " models").exception();
    }
    return new ArrayList<>(out);
  }

  private String newSecret() {
    return KEY_PREFIX + randomChars(RANDOM_CHARS);
  }

  static String prefixOf(String secret) {
    return secret.substring(0, KEY_PREFIX.length() + SHOWN_CHARS);
  }

  private static String shown(String ref) {
    int max = KEY_PREFIX.length() + SHOWN_CHARS;
    return ref.length() <= max ? ref : ref.substring(0, max) + "…";
  }

  private String randomChars(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = BASE62[random.nextInt(BASE62.length)];
    }
    return new String(out);
  }
}
