package dev.sluice.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request. Only these fields are logged: never headers, bodies or query
 * strings, so keys and tokens cannot leak through here.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("sluice.access");
  private final boolean json;

  public AccessLog(boolean json) {
    this.json = json;
  }

  /**
   * One request. {@code upstream} served it (or was tried last), asked for {@code upstreamModel};
   * {@code attempts} lists every attempt when there was more than one ({@code up:model=outcome,...}).
   */
  public record Entry(String requestId, String method, String path, String model, int status,
                      long latencyMillis, long upstreamLatencyMillis, String keyId, String errorCode,
                      boolean stream, String upstream, String upstreamModel, String attempts) {
  }

  public void log(Entry e) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    if (json) {
      ObjectNode n = Json.object();
      n.put("request_id", e.requestId());
      n.put("method", e.method());
      n.put("path", e.path());
      n.put("model", e.model());
      n.put("status", e.status());
      n.put("latency_ms", e.latencyMillis());
      n.put("upstream_latency_ms", e.upstreamLatencyMillis());
      n.put("key_id", e.keyId());
      n.put("error_code", e.errorCode());
      n.put("stream", e.stream());
      n.put("upstream", e.upstream());
      n.put("upstream_model", e.upstreamModel());
      if (e.attempts() != null) {
        n.put("attempts", e.attempts());
      }
      LOG.info(Json.write(n));
    } else {
      LOG.info("request_id={} method={} path={} model={} status={} latency_ms={} upstream_latency_ms={} key_id={} "
              + "stream={} error_code={} upstream={} upstream_model={}{}",
          e.requestId(), e.method(), e.path(), e.model(), e.status(), e.latencyMillis(),
          e.upstreamLatencyMillis(), e.keyId(), e.stream(), e.errorCode(), e.upstream(), e.upstreamModel(),
          e.attempts() == null ? "" : " attempts=" + e.attempts());
    }
  }
}
