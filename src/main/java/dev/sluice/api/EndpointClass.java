package dev.sluice.api;

/** Groups of endpoints that share one rate limit in a plan. */
public enum EndpointClass {
  /** chat completions, legacy completions and responses */
  CHAT,
  IMAGES,
  EMBEDDINGS,
  /** not rate limited (model listing) */
  NONE
}
