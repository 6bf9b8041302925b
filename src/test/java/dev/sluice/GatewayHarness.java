package dev.sluice;

import dev.sluice.config.Config;
import dev.sluice.fake.FakeOpenAI;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/** Sluice wired from a config (as {@code sluice serve} does) on port 0, in front of a fake OpenAI. */
public final class GatewayHarness implements AutoCloseable {
  public static final String KEY = "sk-test-downstream-key-0123456789";
  public static final String UPSTREAM_KEY = "upstream-secret";

  public final Vertx fakeVertx = Vertx.vertx();
  public final FakeOpenAI fake = FakeOpenAI.start(fakeVertx);
  public final Wiring sluice;
  /** The merged config Sluice was started with. */
  public final Config config;
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public GatewayHarness() {
    this("");
  }

  /** @param extraYaml more config, merged over the harness's own */
  public GatewayHarness(String extraYaml) {
    this(new String[] {extraYaml});
  }

  /** @param extraYamls more config documents, merged in order over the harness's own */
  public GatewayHarness(String... extraYamls) {
    this(Map.of(), url -> "", extraYamls);
  }

  /**
   * @param env the environment the config is read with
   * @param byFakeUrl more config, given the harness's fake's base URL (for routes to it)
   */
  public GatewayHarness(Map<String, String> env, Function<String, String> byFakeUrl, String... extraYamls) {
    String yaml = """
        server:
          listen: "127.0.0.1:0"
          max_body_bytes: 65536
        auth:
          downstream_api_key: "%s"
        storage:
          url: "jdbc:sqlite:%s"
        upstream:
          mode: openai_api
          base_url: "%s"
          api_key: "%s"
          timeout_seconds: 2
        """.formatted(KEY, tempDb(), fake.baseUrl(), UPSTREAM_KEY);
    String[] docs = new String[extraYamls.length + 2];
    docs[0] = yaml;
    System.arraycopy(extraYamls, 0, docs, 1, extraYamls.length);
    docs[docs.length - 1] = byFakeUrl.apply(fake.baseUrl());
    Config cfg = Config.fromYaml(env, docs);
    config = cfg;
    sluice = Wiring.start(cfg).await();
  }

  static String tempDb() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-test");
      dir.toFile().deleteOnExit();
      return dir.resolve("sluice.db").toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The JDBC URL of Sluice's database ({@code storage.url}). */
  public String storageUrl() {
    return config.requireString("storage.url");
  }

  /** A second connection pool on Sluice's database, for creating keys and reading usage rows. */
  public dev.sluice.storage.Database openDatabase() {
    return dev.sluice.storage.Database.open(config);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + sluice.port();
  }

  public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    boolean auth = true;
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("authorization") && headers[i + 1].isEmpty()) {
        auth = false;
        continue;
      }
      b.header(headers[i], headers[i + 1]);
    }
    if (auth && !hasHeader(headers, "authorization")) {
      b.header("Authorization", "Bearer " + KEY);
    }
    if (!hasHeader(headers, "content-type")) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (!hasHeader(headers, "authorization")) {
      b.header("Authorization", "Bearer " + KEY);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean hasHeader(String[] headers, String name) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    sluice.close();
    fake.close();
    fakeVertx.close().await();
  }
}
