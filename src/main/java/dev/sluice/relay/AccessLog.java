package dev.sluice.relay;

import dev.sluice.logging.LogText;
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
      // fields of their own in the JSON line (JsonLayout), not a JSON string inside the message
      LOG.atInfo()
          .addKeyValue("request_id", e.requestId())
          .addKeyValue("method", e.method())
          .addKeyValue("path", e.path())
          .addKeyValue("model", e.model())
          .addKeyValue("status", e.status())
          .addKeyValue("latency_ms", e.latencyMillis())
          .addKeyValue("upstream_latency_ms", e.upstreamLatencyMillis())
          .addKeyValue("key_id", e.keyId())
          .addKeyValue("error_code", e.errorCode())
          .addKeyValue("stream", e.stream())
          .addKeyValue("upstream", e.upstream())
          .addKeyValue("upstream_model", e.upstreamModel())
          .addKeyValue("attempts", e.attempts())
          .log("{} {} {}", e.method(), e.path(), e.status());
    } else {
      // formatted once, on the log writer's thread, by the line itself (LogText): no argument array,
      // no boxing, no string of the message before the line's
      LOG.info("{}", new TextLine(e));
    }
  }

  /** The text line of one request: {@code request_id=... method=... ...}, nulls as {@code null}. */
  private record TextLine(Entry e) implements LogText {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(256);
      appendTo(sb);
      return sb.toString();
    }

    @Override
    public void appendTo(StringBuilder sb) {
      sb.append("request_id=").append(e.requestId())
          .append(" method=").append(e.method())
          .append(" path=").append(e.path())
          .append(" model=").append(e.model())
          .append(" status=").append(e.status())
          .append(" latency_ms=").append(e.latencyMillis())
          .append(" upstream_latency_ms=").append(e.upstreamLatencyMillis())
          .append(" key_id=").append(e.keyId())
          .append(" stream=").append(e.stream())
          .append(" error_code=").append(e.errorCode())
          .append(" upstream=").append(e.upstream())
          .append(" upstream_model=").append(e.upstreamModel());
      if (e.attempts() != null) {
        sb.append(" attempts=").append(e.attempts());
      }
    }
  }
}
