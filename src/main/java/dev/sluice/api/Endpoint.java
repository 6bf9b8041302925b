package dev.sluice.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** The operations the gateway serves, the dialect each is spoken in, and the rate-limit class of each. */
public enum Endpoint {
  MODELS("models", EndpointClass.NONE, Dialect.OPENAI),
  CHAT_COMPLETIONS("chat/completions", EndpointClass.CHAT, Dialect.OPENAI),
  COMPLETIONS("completions", EndpointClass.CHAT, Dialect.OPENAI),
  RESPONSES("responses", EndpointClass.CHAT, Dialect.OPENAI),
  EMBEDDINGS("embeddings", EndpointClass.EMBEDDINGS, Dialect.OPENAI),
  IMAGES_GENERATIONS("images/generations", EndpointClass.IMAGES, Dialect.OPENAI),
  /** Anthropic's {@code POST /v1/messages}. */
  MESSAGES("messages", EndpointClass.CHAT, Dialect.ANTHROPIC),
  /** Anthropic's {@code POST /v1/messages/count_tokens}: no quota, nothing generated. */
  COUNT_TOKENS("messages/count_tokens", EndpointClass.NONE, Dialect.ANTHROPIC),
  /** Gemini's {@code POST models/{model}:generateContent}: the model is in the path, not the body. */
  GENERATE_CONTENT("generateContent", EndpointClass.CHAT, Dialect.GEMINI),
  /** Gemini's {@code POST models/{model}:streamGenerateContent}: a stream whatever the body says. */
  STREAM_GENERATE_CONTENT("streamGenerateContent", EndpointClass.CHAT, Dialect.GEMINI),
  /** Gemini's {@code POST models/{model}:countTokens}: no quota, nothing generated. */
  GEMINI_COUNT_TOKENS("countTokens", EndpointClass.NONE, Dialect.GEMINI);

  private static final Set<Endpoint> OPENAI = Collections.unmodifiableSet(EnumSet.of(MODELS, CHAT_COMPLETIONS,
      COMPLETIONS, RESPONSES, EMBEDDINGS, IMAGES_GENERATIONS));

  private final String path;
  private final EndpointClass endpointClass;
  private final Dialect dialect;

  Endpoint(String path, EndpointClass endpointClass, Dialect dialect) {
    this.path = path;
    this.endpointClass = endpointClass;
    this.dialect = dialect;
  }

  /** The OpenAI API's endpoints: what an OpenAI-compatible upstream serves by default. */
  public static Set<Endpoint> openAi() {
    return OPENAI;
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * Path below the version prefix, e.g. {@code chat/completions}; for Gemini's endpoints the method
   * after {@code models/{model}:}.
   */
  public String path() {
    return path;
  }

  public EndpointClass endpointClass() {
    return endpointClass;
  }
}
