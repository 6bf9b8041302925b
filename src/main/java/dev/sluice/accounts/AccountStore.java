package dev.sluice.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.storage.Database;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.Arrays;

/**
 * The encrypted account files: one file per account, {@code {dir}/accounts/<id>.enc}, each the
 * AES-256-GCM encryption of the account's JSON. The key is {@code accounts.encryption_key} (base64,
 * 32 bytes) or, when that is empty, {@code {dir}/secret.key}, generated on first use. Directories
 * are 0700, files 0600; writes go to a temporary file that is then moved into place.
 *
 * <p>All methods do blocking file IO: call them from a worker thread, never from an event loop.
 */
public class AccountStore implements AutoCloseable {
  public static final String KEY_FILE = "secret.key";
  static final String SUFFIX = ".enc";
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

  private final Path dir;
  private final Path accountsDir;
  private final SecretBox box;

  AccountStore(Path dir, byte[] key) {
    this.dir = dir;
    this.accountsDir = dir.resolve("accounts");
    this.box = new SecretBox(key);
    try {
      createDir(dir);
      createDir(accountsDir);
    } catch (IOException e) {
      throw new AccountStoreException("cannot create " + accountsDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the store in {@code dir}, creating it (and the key file when no key is given).
   *
   * @param configuredKey base64 (standard or url-safe) of 32 bytes, or empty to use the key file
   */
  public static AccountStore open(Path dir, String configuredKey) {
    return new AccountStore(dir, key(dir, configuredKey));
  }

  /**
   * The accounts in {@code db}, shared by every instance on it (see {@link DatabaseAccountStore});
   * {@code dir} still holds the key file when no key is configured.
   *
   * @param ownsDatabase whether closing the store closes {@code db}
   * @param lockTimeout longest wait for another instance's refresh of the same account
   */
  public static AccountStore shared(Path dir, String configuredKey, Database db, boolean ownsDatabase,
                                    Duration lockTimeout) {
    return new DatabaseAccountStore(dir, key(dir, configuredKey), db, ownsDatabase, lockTimeout);
  }

  private static byte[] key(Path dir, String configuredKey) {
    try {
      createDir(dir);
    } catch (IOException e) {
      throw new AccountStoreException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return configuredKey == null || configuredKey.isBlank() ? keyFromFile(dir.resolve(KEY_FILE))
        : decodeKey(configuredKey.trim(), "accounts.encryption_key");
  }

  public Path dir() {
    return dir;
  }

  /** All accounts, ordered by id. */
  public List<Account> loadAll() {
    List<Account> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(accountsDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
        out.add(read(f));
      }
    } catch (IOException e) {
      throw new AccountStoreException("cannot list " + accountsDir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(Account::id));
    return out;
  }

  public Optional<Account> load(String accountId) {
    Path f = fileOf(accountId);
    return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
  }

  /** Writes one account (atomically replacing its file). */
  public void save(Account account) {
    writeAtomically(fileOf(account.id()), seal(account).getBytes(StandardCharsets.US_ASCII));
  }

  /** Where the accounts are kept, for messages. */
  public String location() {
    return dir.toString();
  }

  /**
   * Whether other instances use these accounts too: then a refresh is only safe under {@link
   * #withLease}'s lock, never from this process's memory alone.
   */
  public boolean shared() {
    return false;
  }

  /** One account's stored state, read for a token refresh; writes through it keep the lease. */
  public interface Lease {
    /** The account as stored now (empty: signed out). */
    Optional<Account> current();

    void save(Account account);
  }

  /**
   * Runs {@code work} (blocking) holding the account's refresh lease: here, in one process, the
   * caller's own single-flight is the lease and reads and writes go to the file. A store shared by
   * several instances holds a lock across them (see {@link DatabaseAccountStore}).
   */
  public <T> T withLease(String accountId, Function<Lease, T> work) {
    return work.apply(new Lease() {
      @Override
      public Optional<Account> current() {
        return load(accountId);
      }

      @Override
      public void save(Account account) {
        AccountStore.this.save(account);
      }
    });
  }

  /** The account's JSON, encrypted with the store's key. */
  String seal(Account account) {
    byte[] json = Json.write(toJson(account)).getBytes(StandardCharsets.UTF_8);
    String sealed = box.seal(json);
    Arrays.fill(json, (byte) 0);
    return sealed;
  }

  /** The account sealed by {@link #seal}; {@code where} names it in errors. */
  Account unseal(String sealed, String where) {
    try {
      return fromJson(Json.parse(box.open(sealed)));
    } catch (GeneralSecurityException e) {
      throw new AccountStoreException("cannot decrypt " + where + " (wrong accounts.encryption_key or damaged)", e);
    } catch (IOException e) {
      throw new AccountStoreException("cannot read " + where + ": " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public void close() {
  }

  /** Removes an account; false when there was none. */
  public boolean delete(String accountId) {
    try {
      return Files.deleteIfExists(fileOf(accountId));
    } catch (IOException e) {
      throw new AccountStoreException("cannot delete the account file: " + e.getMessage(), e);
    }
  }

  /** The file holding an account. */
  public Path fileOf(String accountId) {
    String name = Base64.getUrlEncoder().withoutPadding().encodeToString(accountId.getBytes(StandardCharsets.UTF_8));
    return accountsDir.resolve(name + SUFFIX);
  }

  private Account read(Path f) {
    String sealed;
    try {
      sealed = Files.readString(f, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new AccountStoreException("cannot read " + f + ": " + e.getClass().getSimpleName(), e);
    }
    return unseal(sealed, f.toString());
  }

  static ObjectNode toJson(Account a) {
    ObjectNode n = Json.object().put("version", 1).put("id", a.id());
    putOpt(n, "email", a.email());
    putOpt(n, "plan", a.plan());
    n.put("state", a.state().name());
    putOpt(n, "state_reason", a.stateReason());
    putOpt(n, "added_at", a.addedAt());
    putOpt(n, "updated_at", a.updatedAt());
    Tokens t = a.tokens();
    ObjectNode tn = n.putObject("tokens");
    putOpt(tn, "id_token", t.idToken());
    putOpt(tn, "access_token", t.accessToken());
    putOpt(tn, "refresh_token", t.refreshToken());
    putOpt(tn, "access_expires_at", t.accessExpiresAt());
    putOpt(tn, "last_refresh", t.lastRefresh());
    return n;
  }

  static Account fromJson(JsonNode n) {
    JsonNode t = n.path("tokens");
    Tokens tokens = new Tokens(text(t, "id_token"), text(t, "access_token"), text(t, "refresh_token"),
        instant(t, "access_expires_at"), instant(t, "last_refresh"));
    AccountState state;
    try {
      state = AccountState.valueOf(n.path("state").asText("ACTIVE"));
    } catch (IllegalArgumentException e) {
      state = AccountState.NEEDS_SIGN_IN;
    }
    return new Account(n.path("id").asText(), text(n, "email"), text(n, "plan"), state, text(n, "state_reason"),
        tokens, instant(n, "added_at"), instant(n, "updated_at"));
  }

  private static void putOpt(ObjectNode n, String k, Object v) {
    if (v != null) {
      n.put(k, v.toString());
    }
  }

  private static String text(JsonNode n, String k) {
    JsonNode v = n.path(k);
    return v.isTextual() ? v.asText() : null;
  }

  private static Instant instant(JsonNode n, String k) {
    String s = text(n, k);
    try {
      return s == null ? null : Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private void writeAtomically(Path target, byte[] content) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part", fileAttrs(target, FILE_MODE));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(content));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new AccountStoreException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private static byte[] keyFromFile(Path keyFile) {
    try {
      if (!Files.exists(keyFile)) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
          Files.createFile(keyFile, fileAttrs(keyFile, FILE_MODE));
          Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n", StandardOpenOption.WRITE);
          return key;
        } catch (FileAlreadyExistsException raced) {
          // another process created it first: use theirs
        }
      }
      return decodeKey(Files.readString(keyFile).trim(), keyFile.toString());
    } catch (IOException e) {
      throw new AccountStoreException("cannot read or create the key file " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static byte[] decodeKey(String b64, String where) {
    byte[] key;
    try {
      key = b64.contains("-") || b64.contains("_") ? Base64.getUrlDecoder().decode(b64) : Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new AccountStoreException(where + ": the encryption key is not valid base64");
    }
    if (key.length != 32) {
      throw new AccountStoreException(where + ": the encryption key must be 32 bytes (base64 of 32 random bytes), got "
          + key.length);
    }
    return key;
  }

  private static void createDir(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      Files.createDirectories(d, fileAttrs(d, DIR_MODE));
    }
  }

  private static FileAttribute<?>[] fileAttrs(Path p, Set<PosixFilePermission> mode) {
    boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
  }
}
