package dev.sluice.dialect.gemini;

/**
 * Gemini's {@code finishReason} as a chat {@code finish_reason}: {@code STOP} → {@code stop}, or
 * {@code tool_calls} when the candidate holds {@code functionCall} parts (Gemini says STOP for calls);
 * {@code MAX_TOKENS} → {@code length}; {@code SAFETY}, {@code RECITATION}, {@code LANGUAGE},
 * {@code BLOCKLIST}, {@code PROHIBITED_CONTENT}, {@code SPII} and every {@code IMAGE_*} reason →
 * {@code content_filter}. The reasons chat has no word for ({@code MALFORMED_FUNCTION_CALL},
 * {@code UNEXPECTED_TOOL_CALL}, {@code TOO_MANY_TOOL_CALLS}, {@code OTHER}, {@code NO_IMAGE},
 * {@code MISSING_THOUGHT_SIGNATURE}, {@code MALFORMED_RESPONSE}, unspecified, unknown ones) →
 * {@code stop}: the answer ended, and what it holds is what the model produced.
 */
public final class FinishReasons {
  private FinishReasons() {
  }

  public static String toFinishReason(String finishReason, boolean hasCalls) {
    String r = finishReason == null ? "STOP" : finishReason;
    if (r.startsWith("IMAGE_")) {
      return "content_filter";
    }
    return switch (r) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII" -> "content_filter";
      default -> hasCalls ? "tool_calls" : "stop";
    };
  }
}
