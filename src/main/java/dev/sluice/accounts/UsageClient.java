package dev.sluice.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Asks the backend for an account's usage windows ({@code GET {codex_base_url}/backend-api/wham/usage}). */
public final class UsageClient {
  private final HttpClient http;
  private final URI uri;
  private final String originator;
  private final Duration timeout;

  public UsageClient(HttpClient http, String codexBaseUrl, String usagePath, String originator, Duration timeout) {
    this.http = http;
    this.uri = URI.create(codexBaseUrl + (usagePath.startsWith("/") ? usagePath : "/" + usagePath));
    this.originator = originator;
    this.timeout = timeout;
  }

  /** The usage JSON; fails with an exception naming the HTTP status (never the token). */
  public CompletableFuture<JsonNode> fetch(AccessToken token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET()
        .header("Authorization", "Bearer " + token.value())
        .header("chatgpt-account-id", token.accountId())
        .header("Accept", "application/json");
    if (!originator.isEmpty()) {
      b.header("originator", originator);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("usage request answered HTTP " + r.statusCode());
      }
      try {
        return Json.parse(r.body());
      } catch (Exception e) {
        throw new IllegalStateException("usage answer is not JSON");
      }
    });
  }
}
