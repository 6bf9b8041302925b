package dev.sluice.storage;

/** The database failed or is unreachable; the message never holds a secret. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
