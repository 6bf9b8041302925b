package dev.sluice.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.accounts.oauth.TokenResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountStoreTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  static Account account(String id, String email) {
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"exp\":1772362800,\"email\":\"" + email
        + "\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"" + id + "\",\"chatgpt_plan_type\":\"plus\"}}")
        .getBytes(StandardCharsets.UTF_8));
    String jwt = "eyJhbGciOiJSUzI1NiJ9." + payload + ".c2lnbmF0dXJlLXNlY3JldA";
    return Account.signedIn(new TokenResponse(jwt, jwt + "access", "rt-SECRET-" + id, 3600L), NOW);
  }

  @Test
  void accountsAreEncryptedAtRestInPrivateFiles() throws Exception {
    AccountStore store = AccountStore.open(dir, "");
    Account a = account("acct-1", "ada@example.com");
    store.save(a);

    Path file = store.fileOf("acct-1");
    String raw = Files.readString(file);
    assertThat(raw).doesNotContain("rt-SECRET-acct-1", "ada@example.com", "acct-1", "c2lnbmF0dXJlLXNlY3JldA",
        a.tokens().accessToken().substring(0, 30));
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve(AccountStore.KEY_FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("accounts")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    try (Stream<Path> files = Files.list(dir.resolve("accounts"))) {
      assertThat(files).containsExactly(file);
    }

    Account back = AccountStore.open(dir, "").load("acct-1").orElseThrow();
    assertThat(back.tokens().refreshToken()).isEqualTo("rt-SECRET-acct-1");
    assertThat(back.tokens().accessToken()).isEqualTo(a.tokens().accessToken());
    assertThat(back.email()).isEqualTo("ada@example.com");
    assertThat(back.plan()).isEqualTo("plus");
    assertThat(back.tokens().accessExpiresAt()).isEqualTo(Instant.ofEpochSecond(1772362800));
  }

  @Test
  void sameContentEncryptsDifferentlyEachTime() throws Exception {
    AccountStore store = AccountStore.open(dir, "");
    Account a = account("acct-1", "ada@example.com");
    store.save(a);
    String first = Files.readString(store.fileOf("acct-1"));
    store.save(a);
    assertThat(Files.readString(store.fileOf("acct-1"))).isNotEqualTo(first);
  }

  @Test
  void aConfiguredKeyIsUsedInsteadOfAKeyFile() throws Exception {
    String key = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B');
    AccountStore.open(dir, key).save(account("acct-2", "b@example.com"));
    assertThat(dir.resolve(AccountStore.KEY_FILE)).doesNotExist();
    assertThat(AccountStore.open(dir, key).loadAll()).extracting(Account::id).containsExactly("acct-2");
    assertThatThrownBy(() -> AccountStore.open(dir, "").loadAll())
        .isInstanceOf(AccountStoreException.class)
        .hasMessageContaining("cannot decrypt")
        .hasMessageNotContaining("rt-SECRET");
  }

  @Test
  void aBadConfiguredKeyIsReportedWithoutEchoingIt() {
    assertThatThrownBy(() -> AccountStore.open(dir, "c2hvcnQ="))
        .isInstanceOf(AccountStoreException.class)
        .hasMessageContaining("32 bytes").hasMessageNotContaining("c2hvcnQ=");
  }

  @Test
  void deleteRemovesOnlyThatAccount() {
    AccountStore store = AccountStore.open(dir, "");
    store.save(account("acct-1", "a@example.com"));
    store.save(account("acct-2", "b@example.com"));
    assertThat(store.delete("acct-1")).isTrue();
    assertThat(store.delete("acct-1")).isFalse();
    assertThat(store.loadAll()).extracting(Account::id).containsExactly("acct-2");
  }

  @Test
  void toStringNeverShowsATokenOrTheAccountsSecrets() {
    Account a = account("acct-1", "a@example.com");
    TokenResponse r = new TokenResponse("id.jwt.x", "acc.jwt.y", "rt-zzz", 10L);
    AccessToken t = new AccessToken("acct-1", "acc.jwt.y", NOW);
    assertThat(a.toString()).doesNotContain("rt-SECRET", a.tokens().accessToken(), a.tokens().idToken())
        .contains("acct-1");
    assertThat(r.toString()).doesNotContain("id.jwt.x", "acc.jwt.y", "rt-zzz");
    assertThat(t.toString()).doesNotContain("acc.jwt.y");
    assertThat(dev.sluice.accounts.oauth.Pkce.generate().toString()).doesNotContain("verifier=");
  }
}
