package dev.sluice.sse;

/**
 * One server-sent event. {@code event} and {@code id} are null when the event had no such field;
 * {@code data} is the data lines joined with '\n'.
 */
public record SseEvent(String event, String data, String id) {
  public static SseEvent data(String data) {
    return new SseEvent(null, data, null);
  }
}
