package dev.sluice.dialect.anthropic;

/**
 * Anthropic {@code stop_reason} → chat {@code finish_reason}, exhaustively: {@code end_turn},
 * {@code stop_sequence}, {@code pause_turn} → {@code stop}; {@code max_tokens},
 * {@code model_context_window_exceeded} → {@code length}; {@code tool_use} → {@code tool_calls};
 * {@code refusal} → {@code content_filter}; anything else (or none) → {@code stop}.
 */
public final class StopReasons {
  private StopReasons() {
  }

  /** The chat finish reason of a Messages stop reason (null or unknown → {@code stop}). */
  public static String toFinishReason(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop";
    };
  }

  /**
   * The finish reason when the request forced the structured-output tool: its call is the answer,
   * so {@code tool_use} reads as {@code stop} unless a client tool was called too.
   */
  static String toFinishReason(String stopReason, boolean answered, boolean clientToolCalled) {
    String reason = toFinishReason(stopReason);
    return answered && !clientToolCalled && reason.equals("tool_calls") ? "stop" : reason;
  }
}
