package dev.sluice.accounts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a random 96-bit nonce per message; the text form is {@code v1.<base64url(nonce|ciphertext)>}. */
final class SecretBox {
  private static final String PREFIX = "v1.";
  private static final int NONCE_BYTES = 12;
  private static final byte[] AAD = "sluice-account".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the encryption key must be 32 bytes");
    }
    this.key = new SecretKeySpec(Arrays.copyOf(key, 32), "AES");
  }

  String seal(byte[] plaintext) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(AAD);
      byte[] ct = c.doFinal(plaintext);
      byte[] all = ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /** @throws AEADBadTagException when the key is wrong or the data was altered */
  byte[] open(String text) throws GeneralSecurityException {
    String t = text.trim();
    if (!t.startsWith(PREFIX)) {
      throw new GeneralSecurityException("unknown format");
    }
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(t.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not base64");
    }
    if (all.length <= NONCE_BYTES + 16) {
      throw new GeneralSecurityException("too short");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE_BYTES));
    c.updateAAD(AAD);
    return c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
  }
}
