package dev.sluice.api;

/** The OpenAI-compatible operations the gateway serves, and the rate-limit class of each. */
public enum Endpoint {
  MODELS("models", EndpointClass.NONE),
  CHAT_COMPLETIONS("chat/completions", EndpointClass.CHAT),
  COMPLETIONS("completions", EndpointClass.CHAT),
  RESPONSES("responses", EndpointClass.CHAT),
  EMBEDDINGS("embeddings", EndpointClass.EMBEDDINGS),
  IMAGES_GENERATIONS("images/generations", EndpointClass.IMAGES);

  private final String path;
  private final EndpointClass endpointClass;

  Endpoint(String path, EndpointClass endpointClass) {
    this.path = path;
    this.endpointClass = endpointClass;
  }

  /** Path below the version prefix, e.g. {@code chat/completions}. */
  public String path() {
    return path;
  }

  public EndpointClass endpointClass() {
    return endpointClass;
  }
}
