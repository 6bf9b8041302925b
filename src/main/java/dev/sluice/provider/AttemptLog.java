package dev.sluice.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The upstream attempts of one client request, appended as they happen; read once when the request
 * ends (access log, usage record, {@code x-sluice-upstream}).
 */
public final class AttemptLog {
  /** One attempt: where it went and how it ended ({@code ok}, or the error code). */
  public record Attempt(String upstream, String model, String outcome) {
  }

  private final List<Attempt> attempts = new ArrayList<>(2);
  private String upstream;
  private String model;

  /** Notes an attempt that failed and was followed by another, or was the last. */
  public void failed(String upstream, String model, String outcome) {
    attempts.add(new Attempt(upstream, model, outcome));
  }

  /** Notes the attempt that served the request. */
  public void served(String upstream, String model) {
    attempts.add(new Attempt(upstream, model, "ok"));
    this.upstream = upstream;
    this.model = model;
  }

  /** The upstream that served, or the last one tried, or null. */
  public String upstream() {
    if (upstream != null || attempts.isEmpty()) {
      return upstream;
    }
    return attempts.getLast().upstream();
  }

  /** The model the upstream was asked for, or null. */
  public String model() {
    if (model != null || attempts.isEmpty()) {
      return model;
    }
    return attempts.getLast().model();
  }

  public int count() {
    return attempts.size();
  }

  /** The {@code i}-th attempt, from 0 in the order they were made. */
  public Attempt attempt(int i) {
    return attempts.get(i);
  }

  /** {@code openai:gpt-4o=upstream_error,deepseek:deepseek-flash=ok}, for the access log. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Attempt a : attempts) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(a.upstream()).append(':').append(a.model()).append('=').append(a.outcome());
    }
    return sb.toString();
  }
}
