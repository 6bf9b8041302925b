package dev.sluice.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ApiContract;
import dev.sluice.json.Json;

/**
 * Renders an {@link ApiError} as the wire envelope {@code {"error":{"message","type","param","code"}}}
 * of the contract the request's base path speaks. Errors are typed once, where they arise; this class
 * alone decides how each contract shows them:
 * <ul>
 *   <li>{@link ApiContract#OPENAI}: as typed, or in {@link Style#GATEWAY} codex-gateway's envelope,
 *   where {@code type} is always {@code gateway_error}, for drop-in users of that gateway;</li>
 *   <li>{@link ApiContract#PLATFORM}: seed 003's type table (see {@link PlatformErrors}), whatever the
 *   configured style.</li>
 * </ul>
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

  /** The error as {@code contract} answers it: status, type and message (and the headers it carries). */
  public ApiError as(ApiContract contract, ApiError e) {
    return contract == ApiContract.PLATFORM ? PlatformErrors.typed(e) : e;
  }

  /** The envelope on the OpenAI contract. */
  public ObjectNode envelope(ApiError e) {
    return envelope(ApiContract.OPENAI, e);
  }

  public ObjectNode envelope(ApiContract contract, ApiError error) {
    ApiError e = as(contract, error);
    ObjectNode err = Json.object();
    err.put("message", e.message());
    err.put("type", style == Style.GATEWAY && contract == ApiContract.OPENAI ? "gateway_error" : e.type());
    err.put("param", e.param());
    err.put("code", e.code());
    if (e.docUrl() != null) {
      err.put("doc_url", e.docUrl());
    }
    ObjectNode root = Json.object();
    root.set("error", err);
    return root;
  }

  /** The envelope on the OpenAI contract, as JSON text. */
  public String render(ApiError e) {
    return render(ApiContract.OPENAI, e);
  }

  public String render(ApiContract contract, ApiError e) {
    return Json.write(envelope(contract, e));
  }

  /**
   * An upstream's own error body (a 4xx relayed as it came) as {@code contract} shows it: unchanged on
   * {@link ApiContract#OPENAI}; on {@link ApiContract#PLATFORM} an OpenAI-shaped {@code error} object
   * gets the table's type for {@code status}. Anything else (not JSON, no {@code error} object, a status
   * the table does not list) is returned unchanged.
   */
  public byte[] relayed(ApiContract contract, int status, byte[] body) {
    String type = contract == ApiContract.PLATFORM ? PlatformErrors.typeFor(status) : null;
    if (type == null || body.length == 0 || body[0] != '{') {
      return body;
    }
    try {
      JsonNode root = Json.parse(body);
      if (root != null && root.get("error") instanceof ObjectNode err && !type.equals(err.path("type").asText())) {
        err.put("type", type);
        return Json.MAPPER.writeValueAsBytes(root);
      }
    } catch (Exception e) {
      // not JSON: relayed as it came
    }
    return body;
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
