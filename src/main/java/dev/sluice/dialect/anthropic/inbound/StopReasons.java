package dev.sluice.dialect.anthropic.inbound;

/**
 * Chat {@code finish_reason} → Anthropic {@code stop_reason}, exhaustively (an unknown stop reason
 * breaks Anthropic clients): {@code stop} → {@code end_turn}, {@code length} → {@code max_tokens},
 * {@code tool_calls} and the legacy {@code function_call} → {@code tool_use}, {@code content_filter}
 * → {@code refusal}; anything else, and null, → {@code end_turn}.
 */
public final class StopReasons {
  private StopReasons() {
  }

  public static String of(String finishReason) {
    if (finishReason == null) {
      return "end_turn";
    }
    return switch (finishReason) {
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> "end_turn";
    };
  }
}
