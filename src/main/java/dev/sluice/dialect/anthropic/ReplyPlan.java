package dev.sluice.dialect.anthropic;

/**
 * What the reverse translators ({@link MessagesToChatCompletion}, {@link MessagesToChatStream}) must
 * know about the request {@link ChatToMessagesRequest} built.
 *
 * @param answerTool name of the forced tool standing for {@code response_format: json_schema}: its
 *     {@code input} is the answer and becomes the message {@code content}, not a tool call; null when
 *     there is none
 * @param signatureModel the model named in emitted {@code reasoning_signature}s; null to use the
 *     {@code model} of the upstream message
 */
public record ReplyPlan(String answerTool, String signatureModel) {
  /** No answer tool; signatures name the upstream message's model. */
  public static final ReplyPlan DEFAULT = new ReplyPlan(null, null);

  boolean isAnswer(String toolName) {
    return answerTool != null && answerTool.equals(toolName);
  }

  String signatureModel(String messageModel) {
    return signatureModel != null ? signatureModel : messageModel;
  }
}
