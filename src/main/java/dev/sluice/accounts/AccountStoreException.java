package dev.sluice.accounts;

/** The account files cannot be read or written; the message names the file, never a secret. */
public final class AccountStoreException extends RuntimeException {
  public AccountStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public AccountStoreException(String message) {
    super(message);
  }
}
