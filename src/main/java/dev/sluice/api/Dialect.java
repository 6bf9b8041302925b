package dev.sluice.api;

/** The wire language a client speaks on an endpoint: what its requests, answers and errors look like. */
public enum Dialect {
  /** OpenAI's API: chat completions, responses, completions, embeddings, images. */
  OPENAI,
  /** Anthropic's Messages API ({@code /v1/messages}). */
  ANTHROPIC,
  /** Google's Gemini API ({@code /v1beta/models/{model}:generateContent}, ...). */
  GEMINI
}
