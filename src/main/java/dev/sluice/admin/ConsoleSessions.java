package dev.sluice.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The console's sign-ins: a random session token (the HttpOnly cookie) and its CSRF token, in memory
 * only, for {@code ttl} after sign-in. The cache is keyed by the token's SHA-256, so the tokens
 * themselves are held nowhere but in the browser. Sign-in attempts are counted per client address in
 * fixed one-minute windows.
 */
final class ConsoleSessions {
  /** One signed-in browser. */
  record Session(String csrfToken) {
  }

  /** Whether a sign-in attempt may go ahead, and if not, in how many seconds one may. */
  record Attempt(boolean allowed, long retryAfterSeconds) {
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Cache<String, Session> sessions;
  private final Cache<String, long[]> attempts;
  private final int attemptsPerMinute;
  private final Ticker ticker;
  private final Duration ttl;

  ConsoleSessions(Duration ttl, int attemptsPerMinute, Ticker ticker) {
    this.ttl = ttl;
    this.ticker = ticker;
    this.attemptsPerMinute = attemptsPerMinute;
    this.sessions = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(ttl).maximumSize(10_000).build();
    this.attempts = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofMinutes(2))
        .maximumSize(100_000).build();
  }

  Duration ttl() {
    return ttl;
  }

  /** Counts one sign-in attempt from {@code address}. */
  Attempt attempt(String address) {
    long now = ticker.read();
    long[] window = attempts.get(address == null ? "" : address, k -> new long[] {now, 0});
    synchronized (window) {
      if (now - window[0] >= WINDOW_NANOS) {
        window[0] = now;
        window[1] = 0;
      }
      if (window[1] >= attemptsPerMinute) {
        long left = WINDOW_NANOS - (now - window[0]);
        return new Attempt(false, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999)));
      }
      window[1]++;
      return new Attempt(true, 0);
    }
  }

  /** A new session: returns its token (for the cookie); {@link #find} gives its CSRF token. */
  String open() {
    String token = random();
    sessions.put(hash(token), new Session(random()));
    return token;
  }

  /** The session of a cookie's token, or null. */
  Session find(String token) {
    return token == null || token.isEmpty() ? null : sessions.getIfPresent(hash(token));
  }

  void close(String token) {
    if (token != null) {
      sessions.invalidate(hash(token));
    }
  }

  /** Constant-time comparison of a presented CSRF token with the session's. */
  static boolean csrfMatches(Session s, String presented) {
    return presented != null && MessageDigest.isEqual(
        s.csrfToken().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String hash(String token) {
    return HexFormat.of().formatHex(AdminAuth.sha256(token));
  }
}
