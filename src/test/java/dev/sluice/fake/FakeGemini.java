package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Gemini API speaking Google's wire format: {@code POST /v1beta/models/{model}:generateContent}
 * (one JSON response), {@code :streamGenerateContent} (with {@code ?alt=sse} CRLF-framed {@code data:}
 * events, each a whole response with only the new parts, no {@code [DONE]}; without it the same
 * responses as one JSON array, written element by element), {@code :countTokens}, {@code GET
 * /v1beta/models} and {@code GET /v1beta/models/{model}}. The key in {@code x-goog-api-key} or
 * {@code ?key=}; a wrong one is Gemini's 400 {@code API_KEY_INVALID}, none its 403. Errors are
 * {@code {"error":{"code","message","status","details"}}}.
 *
 * <p>Like the real API it refuses: a model that is not {@code gemini-*} (404), a body without
 * {@code contents}, an {@code parameters} schema with a keyword outside Gemini's OpenAPI subset
 * ({@code additionalProperties}, {@code $schema}, {@code const}, type lists, ...), both {@code parameters}
 * and {@code parametersJsonSchema} on one function, tools with {@code responseMimeType:
 * application/json}, a {@code functionResponse} whose name is no call's of the model turn before it or
 * whose response is not an object. For {@code gemini-3*} models every call it makes is signed (the
 * first of parallel calls only, as Gemini does) and carries an {@code id}; a request whose model turn
 * holds one of those calls without exactly its signature gets Gemini's 400 "Function call is missing a
 * thought_signature ..." (stricter than Gemini, which also takes {@code skip_thought_signature_validator}:
 * here that sentinel passes only for calls the fake never made). Older models' calls have no id.
 *
 * <p>Answers: the next {@link #script scripted} reply, else the {@link #brain} (by default: "echo: TEXT"
 * of the last user text; with tools and "use tools" in it, a call of the first function with
 * {@code {"city":"Paris"}} — "use two tools" calls it twice, in parallel; when the request ends with a
 * function response, "tool said: OUTPUT"). With {@code thinkingConfig.includeThoughts} a thought part comes first.
 * Usage: 10 prompt tokens (4 of them cached), 5 candidate tokens, 3 thought tokens when thinking.
 * Faults ({@link #inject}): a status answer (429 with {@code RetryInfo}, 503 UNAVAILABLE, ...), an error
 * event mid-stream, a stall (the request is never answered), a stall after the first stream event.
 */
public final class FakeGemini implements AutoCloseable {
  public static final String KEY = "gemini-upstream-secret";
  static final Set<String> SCHEMA_FIELDS = Set.of("type", "format", "title", "description", "nullable", "enum",
      "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength",
      "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
  private static final Pattern PATH = Pattern.compile("/v1beta/models/([^/:]+):([A-Za-z]+)");

  /** What to do with the next generate request. */
  public sealed interface Fault {
    /** Answer with this HTTP status and Google status; a 429 with {@code retryDelay} carries RetryInfo. */
    record Status(int code, String status, String message, String retryDelay) implements Fault {
      public static Status rateLimited(String retryDelay) {
        return new Status(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and "
            + "billing details.", retryDelay);
      }

      public static Status unavailable() {
        return new Status(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null);
      }
    }

    /** Stream the first event, then an error event (Gemini's {@code {"error":{...}}}). */
    record ErrorMidStream() implements Fault {
    }

    /** Take the request and never answer it. */
    record Stall() implements Fault {
    }

    /** Stream the first event, then hold the rest: the response never ends. */
    record StallMidStream() implements Fault {
    }
  }

  /** A scripted reply: parts, finish reason and usage. */
  public static final class Script {
    final List<ObjectNode> parts = new ArrayList<>();
    String finishReason = "STOP";
    ObjectNode usage;

    public Script text(String text) {
      parts.add(Json.object().put("text", text));
      return this;
    }

    public Script thought(String text) {
      parts.add(Json.object().put("text", text).put("thought", true));
      return this;
    }

    public Script call(String name, ObjectNode args) {
      ObjectNode p = Json.object();
      p.putObject("functionCall").put("name", name).set("args", args);
      parts.add(p);
      return this;
    }

    public Script finish(String reason) {
      finishReason = reason;
      return this;
    }

    /** Usage counts; any negative count is left out. */
    public Script usage(int prompt, int candidates, int thoughts, int cached) {
      usage = Json.object();
      put(usage, "promptTokenCount", prompt);
      put(usage, "candidatesTokenCount", candidates);
      put(usage, "thoughtsTokenCount", thoughts);
      put(usage, "cachedContentTokenCount", cached);
      usage.put("totalTokenCount", Math.max(0, prompt) + Math.max(0, candidates) + Math.max(0, thoughts));
      return this;
    }

    private static void put(ObjectNode n, String f, int v) {
      if (v >= 0) {
        n.put(f, v);
      }
    }
  }

  public static Script reply() {
    return new Script();
  }

  /** A request as the fake saw it. */
  public record Seen(String method, String path, String query, String model, String rpc, MultiMap headers,
                     String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (Exception e) {
        return null;
      }
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<Script> scripts = new ConcurrentLinkedDeque<>();
  private final List<HttpServerResponse> stalled = new CopyOnWriteArrayList<>();
  /** Signatures of the calls made, by call identity (name and arguments); null for unsigned ones. */
  private final Map<String, String> signatures = new ConcurrentHashMap<>();
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Function<JsonNode, Script> brain = FakeGemini::defaultBrain;

  private FakeGemini(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port. */
  public static FakeGemini start(Vertx vertx) {
    return start(vertx, 0);
  }

  public static FakeGemini start(Vertx vertx, int port) {
    FakeGemini[] holder = new FakeGemini[1];
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
    server.requestHandler(req -> req.body().onSuccess(body -> holder[0].handle(req, body)));
    holder[0] = new FakeGemini(server);
    server.listen().await();
    return holder[0];
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Queues replies for the next generate requests, in order. */
  public void script(Script... next) {
    scripts.addAll(List.of(next));
  }

  /** Replaces how unscripted requests are answered (given the request body). */
  public void brain(Function<JsonNode, Script> brain) {
    this.brain = brain;
  }

  public void inject(Fault f) {
    faults.add(f);
  }

  public Seen last() {
    return seen.isEmpty() ? null : seen.get(seen.size() - 1);
  }

  /** The last request of this method ({@code generateContent}, {@code streamGenerateContent}, ...). */
  public Seen last(String rpc) {
    Seen found = null;
    for (Seen s : seen) {
      if (rpc.equals(s.rpc())) {
        found = s;
      }
    }
    return found;
  }

  /** How many requests of this method came. */
  public int count(String rpc) {
    return (int) seen.stream().filter(s -> rpc.equals(s.rpc())).count();
  }

  @Override
  public void close() {
    for (HttpServerResponse r : stalled) {
      r.reset();
    }
    server.close().await();
  }

  private void handle(HttpServerRequest req, Buffer body) {
    Matcher m = PATH.matcher(req.path());
    boolean rpcPath = m.matches();
    seen.add(new Seen(req.method().name(), req.path(), req.query(), rpcPath ? m.group(1) : null,
        rpcPath ? m.group(2) : null, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString()));
    HttpServerResponse resp = req.response();
    String key = req.getHeader("x-goog-api-key");
    if (key == null) {
      key = req.getParam("key");
    }
    if (key == null) {
      error(resp, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established "
          + "identity). Please use API Key or other form of API consumer identity to call this API.", null);
      return;
    }
    if (!KEY.equals(key)) {
      ArrayNode details = Json.MAPPER.createArrayNode();
      details.addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID")
          .put("domain", "googleapis.com");
      error(resp, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details);
      return;
    }
    if (req.method().name().equals("GET") && req.path().equals("/v1beta/models")) {
      ObjectNode root = Json.object();
      ArrayNode models = root.putArray("models");
      for (String id : List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-pro-preview", "gemini-3-flash-preview")) {
        models.add(model(id));
      }
      json(resp, root);
      return;
    }
    if (req.method().name().equals("GET") && req.path().startsWith("/v1beta/models/")) {
      String id = req.path().substring("/v1beta/models/".length());
      if (!id.startsWith("gemini-")) {
        error(resp, 404, "NOT_FOUND", "models/" + id + " is not found for API version v1beta", null);
      } else {
        json(resp, model(id));
      }
      return;
    }
    if (!rpcPath || !req.method().name().equals("POST")) {
      error(resp, 404, "NOT_FOUND", "Not found: " + req.path(), null);
      return;
    }
    String modelId = m.group(1);
    String rpc = m.group(2);
    if (!modelId.startsWith("gemini-")) {
      error(resp, 404, "NOT_FOUND", "models/" + modelId + " is not found for API version v1beta, or is not supported "
          + "for " + rpc + ". Call ListModels to see the list of available models and their supported methods.", null);
      return;
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body.getBytes());
    } catch (Exception e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.", null);
      return;
    }
    if (rpc.equals("countTokens")) {
      int words = 0;
      for (JsonNode c : json.path("contents")) {
        for (JsonNode p : c.path("parts")) {
          words += p.path("text").asText("").isBlank() ? 0 : p.path("text").asText().trim().split("\\s+").length;
        }
      }
      ObjectNode out = Json.object().put("totalTokens", 3 + words);
      out.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", 3 + words);
      json(resp, out);
      return;
    }
    if (!rpc.equals("generateContent") && !rpc.equals("streamGenerateContent")) {
      error(resp, 404, "NOT_FOUND", "Method not found: " + rpc, null);
      return;
    }
    String refused = refusal(json, modelId);
    if (refused != null) {
      error(resp, 400, "INVALID_ARGUMENT", refused, null);
      return;
    }
    Fault fault = faults.poll();
    if (fault instanceof Fault.Stall) {
      stalled.add(resp);
      return;
    }
    if (fault instanceof Fault.Status s) {
      ArrayNode details = null;
      if (s.retryDelay() != null) {
        details = Json.MAPPER.createArrayNode();
        details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", s.retryDelay());
      }
      error(resp, s.code(), s.status(), s.message(), details);
      return;
    }
    Script script = scripts.poll();
    if (script == null) {
      script = brain.apply(json);
    }
    List<ObjectNode> parts = parts(json, modelId, script);
    ObjectNode usage = usage(script, parts);
    String responseId = "resp-fake-" + ids.incrementAndGet();
    if (rpc.equals("generateContent")) {
      ObjectNode out = response(responseId, modelId, parts, script.finishReason, usage);
      json(resp, out);
    } else {
      stream(resp, "sse".equals(req.getParam("alt")), responseId, modelId, parts, script.finishReason, usage,
          fault);
    }
  }

  /** Why the real API would refuse this body, or null. */
  private String refusal(JsonNode req, String modelId) {
    if (!req.path("contents").isArray() || req.path("contents").isEmpty()) {
      return "* GenerateContentRequest.contents: contents is not specified";
    }
    boolean tools = false;
    JsonNode toolList = req.path("tools");
    for (int t = 0; t < toolList.size(); t++) {
      JsonNode decls = toolList.get(t).path("functionDeclarations");
      for (int d = 0; d < decls.size(); d++) {
        tools = true;
        JsonNode fn = decls.get(d);
        String at = "tools[" + t + "].function_declarations[" + d + "]";
        if (fn.has("parameters") && fn.has("parametersJsonSchema")) {
          return "* GenerateContentRequest." + at + ": parameters and parameters_json_schema are mutually exclusive";
        }
        if (fn.has("parameters")) {
          String bad = unknownSchemaField(fn.get("parameters"), at + ".parameters");
          if (bad != null) {
            return bad;
          }
        }
      }
    }
    if (tools && "application/json".equals(req.path("generationConfig").path("responseMimeType").asText())) {
      return "Function calling with a response mime type: 'application/json' is unsupported";
    }
    JsonNode contents = req.path("contents");
    for (int i = 0; i < contents.size(); i++) {
      JsonNode c = contents.get(i);
      for (JsonNode p : c.path("parts")) {
        JsonNode fr = p.get("functionResponse");
        if (fr == null) {
          continue;
        }
        if (!fr.path("response").isObject()) {
          return "Invalid value at 'contents[" + i + "].parts.function_response.response' (type.googleapis.com/"
              + "google.protobuf.Struct)";
        }
        boolean named = false;
        if (i > 0) {
          for (JsonNode q : contents.get(i - 1).path("parts")) {
            named |= q.path("functionCall").path("name").asText().equals(fr.path("name").asText());
          }
        }
        if (!named) {
          return "Please ensure that function response turn comes immediately after a function call turn. And the "
              + "number of function response parts should be equal to number of function call parts of the function "
              + "call turn.";
        }
      }
      if ("model".equals(c.path("role").asText()) && modelId.startsWith("gemini-3")) {
        JsonNode parts = c.path("parts");
        for (int j = 0; j < parts.size(); j++) {
          JsonNode p = parts.get(j);
          if (!p.has("functionCall")) {
            continue;
          }
          String id = p.get("functionCall").path("id").asText("");
          String k = signatures.containsKey("id " + id) ? "id " + id : callKey(p.get("functionCall"));
          if (!signatures.containsKey(k) || signatures.get(k).isEmpty()) {
            continue;
          }
          String given = p.path("thoughtSignature").asText(null);
          if (given == null) {
            return "Function call is missing a thought_signature in functionCall parts. This is required for tools "
                + "to work correctly, and missing thought_signature may lead to degraded model performance. "
                + "Additional data, function call `default_api:" + p.get("functionCall").path("name").asText()
                + "` , position " + (j + 1) + ". Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures "
                + "for more details.";
          }
          if (!given.equals(signatures.get(k))) {
            return "Invalid thought signature.";
          }
        }
      }
    }
    return null;
  }

  private static String unknownSchemaField(JsonNode schema, String at) {
    if (!schema.isObject()) {
      return "Invalid value at '" + at + "': not a Schema";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!SCHEMA_FIELDS.contains(e.getKey())) {
        return "Invalid JSON payload received. Unknown name \"" + e.getKey() + "\" at '" + at + "': Cannot find field.";
      }
      if (e.getKey().equals("type") && !e.getValue().isTextual()) {
        return "Invalid value at '" + at + ".type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type)";
      }
    }
    if ("object".equalsIgnoreCase(schema.path("type").asText()) && schema.path("properties").isEmpty()) {
      return "* GenerateContentRequest." + at + ".properties: should be non-empty for OBJECT type";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      var e = it.next();
      String bad = unknownSchemaField(e.getValue(), at + ".properties[" + e.getKey() + "].value");
      if (bad != null) {
        return bad;
      }
    }
    if (schema.has("items")) {
      return unknownSchemaField(schema.get("items"), at + ".items");
    }
    return null;
  }

  private static String callKey(JsonNode functionCall) {
    return functionCall.path("name").asText() + " " + Json.write(functionCall.path("args"));
  }

  /** The parts of the answer: thoughts when asked for, ids and signatures on calls for Gemini 3. */
  private List<ObjectNode> parts(JsonNode req, String modelId, Script script) {
    boolean gemini3 = modelId.startsWith("gemini-3");
    List<ObjectNode> out = new ArrayList<>();
    if (req.path("generationConfig").path("thinkingConfig").path("includeThoughts").asBoolean(false)
        && script.parts.stream().noneMatch(p -> p.path("thought").asBoolean())) {
      out.add(Json.object().put("text", "Let me think.").put("thought", true));
    }
    boolean firstCall = true;
    for (ObjectNode p : script.parts) {
      ObjectNode part = p.deepCopy();
      if (part.has("functionCall")) {
        String sig = null;
        if (gemini3) {
          ((ObjectNode) part.get("functionCall")).put("id", "fc" + ids.incrementAndGet());
          if (firstCall) {
            sig = signature(modelId);
            part.put("thoughtSignature", sig);
          }
        }
        signatures.put(callKey(part.get("functionCall")), sig == null ? "" : sig);
        if (part.get("functionCall").has("id")) {
          signatures.put("id " + part.get("functionCall").get("id").asText(), sig == null ? "" : sig);
        }
        firstCall = false;
      }
      out.add(part);
    }
    if (gemini3 && firstCall && !out.isEmpty()) {
      // a text answer of Gemini 3 carries a signature on its last part
      out.get(out.size() - 1).put("thoughtSignature", signature(modelId));
    }
    return out;
  }

  /** A signature in Google's padded base64 (with '+' and '/' in it, as real ones have). */
  private String signature(String modelId) {
    byte[] raw = ("\u00fb\u00ff sig " + ids.incrementAndGet() + " " + modelId).getBytes(StandardCharsets.ISO_8859_1);
    return Base64.getEncoder().encodeToString(raw);
  }

  private static ObjectNode usage(Script script, List<ObjectNode> parts) {
    if (script.usage != null) {
      return script.usage.deepCopy();
    }
    boolean thoughts = parts.stream().anyMatch(p -> p.path("thought").asBoolean());
    ObjectNode u = Json.object().put("promptTokenCount", 10).put("candidatesTokenCount", 5)
        .put("totalTokenCount", 15 + (thoughts ? 3 : 0)).put("cachedContentTokenCount", 4);
    if (thoughts) {
      u.put("thoughtsTokenCount", 3);
    }
    return u;
  }

  private static ObjectNode response(String responseId, String modelId, List<ObjectNode> parts, String finishReason,
                                     ObjectNode usage) {
    ObjectNode out = Json.object();
    ObjectNode cand = out.putArray("candidates").addObject();
    ObjectNode content = cand.putObject("content");
    ArrayNode ps = content.putArray("parts");
    parts.forEach(ps::add);
    content.put("role", "model");
    if (finishReason != null) {
      cand.put("finishReason", finishReason);
    }
    cand.put("index", 0);
    if (usage != null) {
      out.set("usageMetadata", usage);
    }
    out.put("modelVersion", modelId).put("responseId", responseId);
    return out;
  }

  private void stream(HttpServerResponse resp, boolean sse, String responseId, String modelId, List<ObjectNode> parts,
                      String finishReason, ObjectNode usage, Fault fault) {
    boolean failMidway = fault instanceof Fault.ErrorMidStream;
    resp.setChunked(true).putHeader("content-type", sse ? "text/event-stream" : "application/json; charset=UTF-8");
    List<ObjectNode> events = new ArrayList<>();
    for (ObjectNode p : parts) {
      if (p.has("text") && !p.path("thought").asBoolean()) {
        String[] words = p.path("text").asText().split("(?<= )");
        for (int w = 0; w < words.length; w++) {
          ObjectNode piece = p.deepCopy().put("text", words[w]);
          if (w < words.length - 1) {
            piece.remove("thoughtSignature");
          }
          events.add(piece);
        }
      } else {
        events.add(p);
      }
    }
    ObjectNode promptOnly = Json.object().put("promptTokenCount", usage.path("promptTokenCount").asInt())
        .put("totalTokenCount", usage.path("promptTokenCount").asInt());
    boolean first = true;
    for (int i = 0; i < events.size(); i++) {
      boolean lastEvent = i == events.size() - 1;
      ObjectNode ev = response(responseId, modelId, List.of(events.get(i)), lastEvent ? finishReason : null,
          lastEvent ? usage : promptOnly);
      write(resp, sse, ev, first);
      first = false;
      if (fault instanceof Fault.StallMidStream) {
        stalled.add(resp);
        return;
      }
      if (failMidway) {
        ObjectNode err = Json.object();
        err.putObject("error").put("code", 503).put("message", "The model is overloaded. Please try again later.")
            .put("status", "UNAVAILABLE");
        write(resp, sse, err, false);
        break;
      }
    }
    if (events.isEmpty()) {
      write(resp, sse, response(responseId, modelId, List.of(), finishReason, usage), true);
    }
    if (!sse) {
      resp.write("]");
    }
    resp.end();
  }

  private static void write(HttpServerResponse resp, boolean sse, ObjectNode event, boolean first) {
    if (sse) {
      resp.write("data: " + Json.write(event) + "\r\n\r\n");
    } else {
      resp.write((first ? "[" : ",\r\n") + Json.write(event));
    }
  }

  private static ObjectNode model(String id) {
    ObjectNode m = Json.object().put("name", "models/" + id).put("version", "001").put("displayName", id)
        .put("inputTokenLimit", 1048576).put("outputTokenLimit", 65536);
    m.putArray("supportedGenerationMethods").add("generateContent").add("countTokens");
    return m;
  }

  /** The default answers (see the class comment). */
  public static Script defaultBrain(JsonNode req) {
    JsonNode contents = req.path("contents");
    JsonNode parts = contents.get(contents.size() - 1).path("parts");
    JsonNode lastPart = parts.get(parts.size() - 1);
    if (lastPart != null && lastPart.has("functionResponse")) {
      JsonNode r = lastPart.path("functionResponse").path("response");
      return reply().text("tool said: " + (r.has("output") ? r.get("output").asText() : Json.write(r)));
    }
    String text = lastUserText(req);
    JsonNode decls = req.path("tools").path(0).path("functionDeclarations");
    if (!decls.isEmpty() && text.contains("use tools")) {
      return reply().call(decls.get(0).path("name").asText(), Json.object().put("city", "Paris"));
    }
    if (!decls.isEmpty() && text.contains("use two tools")) {
      String name = decls.get(0).path("name").asText();
      return reply().call(name, Json.object().put("city", "Paris")).call(name, Json.object().put("city", "Rome"));
    }
    return reply().text("echo: " + text);
  }

  /** The text of the last user turn with text. */
  public static String lastUserText(JsonNode req) {
    String text = "";
    for (JsonNode c : req.path("contents")) {
      if (!"user".equals(c.path("role").asText("user"))) {
        continue;
      }
      for (JsonNode p : c.path("parts")) {
        if (p.path("text").isTextual()) {
          text = p.get("text").asText();
        }
      }
    }
    return text;
  }

  private static void json(HttpServerResponse resp, JsonNode body) {
    resp.putHeader("content-type", "application/json; charset=UTF-8").end(Json.write(body));
  }

  private static void error(HttpServerResponse resp, int code, String status, String message, ArrayNode details) {
    ObjectNode e = Json.object();
    ObjectNode err = e.putObject("error").put("code", code).put("message", message).put("status", status);
    if (details != null) {
      err.set("details", details);
    }
    resp.setStatusCode(code).putHeader("content-type", "application/json; charset=UTF-8").end(Json.write(e));
  }
}
