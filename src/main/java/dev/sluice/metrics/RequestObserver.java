package dev.sluice.metrics;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Told of every finished request, once, on the thread that finished it: must not block. */
public interface RequestObserver {
  void finished(RequestRecord record);

  RequestObserver NONE = r -> { };

  /** Tells each of {@code observers} in order; one failing does not keep the rest from hearing. */
  static RequestObserver all(List<RequestObserver> observers) {
    RequestObserver[] each = observers.toArray(RequestObserver[]::new);
    Logger log = LoggerFactory.getLogger(RequestObserver.class);
    return r -> {
      for (RequestObserver o : each) {
        try {
          o.finished(r);
        } catch (RuntimeException e) {
          // an observer's bug must not fail the request it is told about
          log.warn("request observer {} failed: {}", o.getClass().getSimpleName(), e.toString());
        }
      }
    };
  }
}
