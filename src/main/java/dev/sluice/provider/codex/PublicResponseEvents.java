package dev.sluice.provider.codex;

import java.util.Set;

/**
 * The public Responses streaming event types: the {@code ResponseStreamEvent} union of the OpenAI
 * SDKs (checked against openai-java 4.101.0). SDK clients reject other types (the Node SDK's
 * {@code responses.stream()} throws "Unhandled response stream event"), and the backend's own events
 * ({@code codex.rate_limits}) describe the pooled account, so only these reach {@code /v1/responses}
 * clients.
 */
final class PublicResponseEvents {
  private static final Set<String> TYPES = Set.of(
      "error",
      "response.queued", "response.created", "response.in_progress",
      "response.completed", "response.failed", "response.incomplete",
      "response.output_item.added", "response.output_item.done",
      "response.content_part.added", "response.content_part.done",
      "response.output_text.delta", "response.output_text.done", "response.output_text.annotation.added",
      "response.refusal.delta", "response.refusal.done",
      "response.function_call_arguments.delta", "response.function_call_arguments.done",
      "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
      "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
      "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
      "response.reasoning_text.delta", "response.reasoning_text.done",
      "response.audio.delta", "response.audio.done",
      "response.audio.transcript.delta", "response.audio.transcript.done",
      "response.web_search_call.in_progress", "response.web_search_call.searching",
      "response.web_search_call.completed",
      "response.file_search_call.in_progress", "response.file_search_call.searching",
      "response.file_search_call.completed",
      "response.code_interpreter_call.in_progress", "response.code_interpreter_call.interpreting",
      "response.code_interpreter_call.completed",
      "response.code_interpreter_call_code.delta", "response.code_interpreter_call_code.done",
      "response.image_generation_call.in_progress", "response.image_generation_call.generating",
      "response.image_generation_call.partial_image", "response.image_generation_call.completed",
      "response.mcp_call.in_progress", "response.mcp_call.completed", "response.mcp_call.failed",
      "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done",
      "response.mcp_list_tools.in_progress", "response.mcp_list_tools.completed",
      "response.mcp_list_tools.failed",
      "response.shell_call_command.added", "response.shell_call_command.delta",
      "response.shell_call_command.done",
      "response.shell_call_output_content.delta", "response.shell_call_output_content.done",
      "response.compaction.compacting");

  /** Types that come before any output: a stream that has only these is not committed yet. */
  private static final Set<String> PRELUDE = Set.of("response.queued", "response.created", "response.in_progress");

  private PublicResponseEvents() {
  }

  static boolean isPublic(String type) {
    return TYPES.contains(type);
  }

  static boolean isPrelude(String type) {
    return PRELUDE.contains(type);
  }

  /** Every public type (for tests that compare the list with an SDK). */
  static Set<String> all() {
    return TYPES;
  }
}
