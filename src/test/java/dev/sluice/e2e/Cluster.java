package dev.sluice.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Several {@code sluice serve} processes on one config (port 0 each), started in parallel: what a
 * load balancer would have behind it.
 */
final class Cluster implements AutoCloseable {
  final List<SluiceProcess> nodes = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  final Path config;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Cluster(Path config) {
    this.config = config;
  }

  /** Starts {@code n} instances of {@code yaml} (written to {@code dir}) and waits for all to listen. */
  static Cluster start(Path dir, int n, String yaml) throws Exception {
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg, yaml);
    Cluster c = new Cluster(cfg);
    try {
      for (int i = 0; i < n; i++) {
        c.nodes.add(SluiceProcess.serve(cfg));
      }
      for (SluiceProcess p : c.nodes) {
        c.ports.add(p.awaitPort());
      }
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** A POST to instance {@code node}, answered asynchronously. */
  CompletableFuture<HttpResponse<String>> post(int node, String path, String body, String... headers) {
    return send(node, "POST", path, body, headers);
  }

  CompletableFuture<HttpResponse<String>> send(int node, String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(node) + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every instance's output, for failure messages. */
  List<String> output() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String l : nodes.get(i).stdout) {
        out.add(i + ": " + l);
      }
      for (String l : nodes.get(i).stderr) {
        out.add(i + "! " + l);
      }
    }
    return out;
  }

  @Override
  public void close() {
    nodes.forEach(SluiceProcess::close);
  }
}
