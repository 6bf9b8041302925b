package dev.sluice.ratelimit;

import dev.sluice.api.EndpointClass;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Collections;

/**
 * A named rate-limit plan.
 *
 * @param name plan name as keys refer to it (lower case)
 * @param requestsPerMinute requests per minute for each rate-limited endpoint class (all but NONE)
 * @param tokensPerMinute tokens per minute, shared by a key's token-metered classes (chat, embeddings)
 */
public record Plan(String name, Map<EndpointClass, Integer> requestsPerMinute, long tokensPerMinute) {
  public Plan {
    Objects.requireNonNull(name, "name");
    var copy = new EnumMap<EndpointClass, Integer>(EndpointClass.class);
    copy.putAll(requestsPerMinute);
    for (EndpointClass c : EndpointClass.values()) {
      if (c != EndpointClass.NONE && (copy.get(c) == null || copy.get(c) < 1)) {
        throw new IllegalArgumentException("plan " + name + ": requests per minute for " + c + " must be >= 1");
      }
    }
    copy.remove(EndpointClass.NONE);
    if (tokensPerMinute < 1) {
      throw new IllegalArgumentException("plan " + name + ": tokens per minute must be >= 1");
    }
    requestsPerMinute = Collections.unmodifiableMap(copy);
  }

  /** Convenience constructor: chat, images and embeddings requests per minute, then tokens per minute. */
  public static Plan of(String name, int chatRpm, int imagesRpm, int embeddingsRpm, long tokensPerMinute) {
    return new Plan(name, Map.of(EndpointClass.CHAT, chatRpm, EndpointClass.IMAGES, imagesRpm,
        EndpointClass.EMBEDDINGS, embeddingsRpm), tokensPerMinute);
  }

  /** Requests per minute for a class; 0 for {@link EndpointClass#NONE} (not limited). */
  public int rpm(EndpointClass endpointClass) {
    return requestsPerMinute.getOrDefault(endpointClass, 0);
  }

  /** Whether requests of this class are metered against {@link #tokensPerMinute}. */
  public static boolean tokenMetered(EndpointClass endpointClass) {
    return endpointClass == EndpointClass.CHAT || endpointClass == EndpointClass.EMBEDDINGS;
  }
}
