package dev.sluice.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/**
 * Renders an {@link ApiError} as the wire envelope. {@link Style#OPENAI} is OpenAI's
 * {@code {"error":{"message","type","param","code"}}}; {@link Style#GATEWAY} is codex-gateway's,
 * where {@code type} is always {@code gateway_error}, for drop-in users of that gateway.
 */
public final class ErrorRenderer {
  public enum Style { OPENAI, GATEWAY }

  private final Style style;

  public ErrorRenderer(Style style) {
    this.style = style;
  }

  public static ErrorRenderer of(String style) {
    return new ErrorRenderer("gateway".equals(style) ? Style.GATEWAY : Style.OPENAI);
  }

  public ObjectNode envelope(ApiError e) {
    ObjectNode err = Json.object();
    err.put("message", e.message());
    err.put("type", style == Style.GATEWAY ? "gateway_error" : e.type());
    err.put("param", e.param());
    err.put("code", e.code());
    if (e.docUrl() != null) {
      err.put("doc_url", e.docUrl());
    }
    ObjectNode root = Json.object();
    root.set("error", err);
    return root;
  }

  public String render(ApiError e) {
    return Json.write(envelope(e));
  }

  /**
   * The error as a Responses stream event: {@code {"type":"error","code","message","param",
   * "sequence_number"}}, the shape Responses clients parse (in either style: the event's own type is
   * fixed by the protocol).
   */
  public String responsesEvent(ApiError e, long sequenceNumber) {
    ObjectNode ev = Json.object();
    ev.put("type", "error");
    ev.put("code", e.code());
    ev.put("message", e.message());
    ev.put("param", e.param());
    ev.put("sequence_number", sequenceNumber);
    return Json.write(ev);
  }
}
