package dev.sluice.dialect.anthropic;

/**
 * A thinking signature and the model that produced it, as Sluice keeps it across turns in the chat
 * field {@code reasoning_signature} (a gateway extension next to {@code reasoning_content}):
 * {@code "anthropic:<model>:<signature>"}. Signatures are base64, so the last ':' ends the model
 * name (which may itself contain ':').
 */
public record ReasoningSignature(String model, String signature) {
  static final String PREFIX = "anthropic:";

  /** The chat field value. */
  public String encode() {
    return PREFIX + model + ":" + signature;
  }

  /** Parses a chat field value; null when it is not one Sluice wrote. */
  public static ReasoningSignature parse(String value) {
    if (value == null || !value.startsWith(PREFIX)) {
      return null;
    }
    int colon = value.lastIndexOf(':');
    if (colon <= PREFIX.length() || colon == value.length() - 1) {
      return null;
    }
    return new ReasoningSignature(value.substring(PREFIX.length(), colon), value.substring(colon + 1));
  }
}
