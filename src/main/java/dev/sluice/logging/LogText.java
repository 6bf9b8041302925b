package dev.sluice.logging;

/**
 * A log message that writes its own text: logged as the one argument of {@code "{}"}, the text layout
 * has it append itself to the line instead of making a string of it first. Its {@code toString}
 * gives the same text, for every other layout.
 */
public interface LogText {
  void appendTo(StringBuilder line);
}
