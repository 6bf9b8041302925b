package dev.sluice.accounts.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** A PKCE pair (S256). The verifier is secret: {@link #toString()} hides it. */
public record Pkce(String verifier, String challenge) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public static Pkce generate() {
    String verifier = randomToken();
    return new Pkce(verifier, challengeOf(verifier));
  }

  /** 32 random bytes, base64url without padding (used for verifiers and state). */
  public static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static String challengeOf(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Pkce[challenge=" + challenge + "]";
  }
}
