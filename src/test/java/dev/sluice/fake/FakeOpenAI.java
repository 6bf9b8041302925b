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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI API on a loopback port, speaking the real wire formats (JSON bodies, SSE with
 * {@code data: [DONE]}, error envelopes) for models, chat completions, completions, responses,
 * embeddings and image generation, with faults to inject ({@link Fault}). It records what it
 * received and counts streams the client cancelled.
 *
 * <p>Chat answers echo the last user message: "echo: TEXT". Streams split the answer into one
 * chunk per word. Directives in the user text shape streams (they pass through any gateway):
 * {@code [chunks=N]} asks for N content chunks instead, {@code [interval_ms=N]} spaces them out,
 * and {@code [timestamps]} puts the send time (epoch nanoseconds) into each chunk as
 * {@code "fake_ts"}. The same can be set with headers {@code x-fake-chunks},
 * {@code x-fake-interval-ms} and {@code x-fake-timestamps: true} when talking to the fake directly.
 *
 * <p>Chat tools: when the request has function tools and the last user text says "use tools", the
 * answer is a call of the first function with {@code {"city":"Paris"}} ({@code finish_reason:
 * tool_calls}; streamed as OpenAI does: id and name first, the arguments in two deltas); when the
 * conversation ends with {@code role: tool} messages, the answer is "tool said: CONTENT" (their contents
 * joined by a space).
 */
public final class FakeOpenAI implements AutoCloseable {
  /** What to do with the next request instead of answering normally. */
  public sealed interface Fault {
    /** Answer with this status, body and extra headers. */
    record Status(int status, String body, MultiMap headers) implements Fault {
    }

    /** Close the connection without answering. */
    record Reset() implements Fault {
    }

    /** Answer nothing, ever. */
    record Stall() implements Fault {
    }

    /** Wait before the first byte, then answer normally. */
    record SlowFirstByte(long millis) implements Fault {
    }

    /** Send this many stream events, then close the connection. */
    record DropMidStream(int events) implements Fault {
    }

    /** Send this many stream events, then go silent. */
    record StallMidStream(int events) implements Fault {
    }

    /** Send this many stream events, then an error event ({@code data: {"error":...}}), and end. */
    record ErrorEventMidStream(int events) implements Fault {
    }

    /** Send 200 headers (of an event stream when asked for one), then nothing, ever. */
    record HeadersThenStall() implements Fault {
    }

    static Fault status(int status, String message, String type) {
      ObjectNode err = Json.object();
      ObjectNode e = err.putObject("error");
      e.put("message", message);
      e.put("type", type);
      e.putNull("param");
      e.putNull("code");
      return new Status(status, Json.write(err), MultiMap.caseInsensitiveMultiMap());
    }
  }

  /** A request as the fake saw it. */
  public record Seen(String method, String path, MultiMap headers, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (Exception e) {
        return null;
      }
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  public final AtomicInteger cancelledStreams = new AtomicInteger();
  public final AtomicInteger completedStreams = new AtomicInteger();
  /** Requests of any kind whose connection the client (the gateway) closed before the answer ended. */
  public final AtomicInteger abandoned = new AtomicInteger();
  /** Whether requests are kept in {@link #seen}; off for load tests, where the list would grow without bound. */
  public volatile boolean recordRequests = true;

  private FakeOpenAI(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FakeOpenAI start(Vertx vertx) {
    FakeOpenAI[] holder = new FakeOpenAI[1];
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    server.requestHandler(req -> holder[0].handle(req));
    holder[0] = new FakeOpenAI(vertx, server);
    server.listen().await();
    return holder[0];
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public void inject(Fault fault) {
    faults.add(fault);
  }

  public Seen last() {
    return seen.isEmpty() ? null : seen.get(seen.size() - 1);
  }

  @Override
  public void close() {
    server.close().await();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      if (recordRequests) {
        seen.add(new Seen(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
            body.toString()));
      }
      Fault fault = faults.poll();
      req.response().closeHandler(v -> {
        if (!req.response().ended()) {
          abandoned.incrementAndGet();
        }
      });
      if (fault instanceof Fault.SlowFirstByte slow) {
        vertx.setTimer(slow.millis(), t -> route(req, body, null));
      } else {
        route(req, body, fault);
      }
    });
  }

  private void route(HttpServerRequest req, Buffer body, Fault fault) {
    HttpServerResponse resp = req.response();
    switch (fault) {
      case Fault.Status s -> {
        resp.setStatusCode(s.status()).headers().addAll(s.headers());
        resp.putHeader("content-type", "application/json").end(s.body());
        return;
      }
      case Fault.Reset r -> {
        req.connection().close();
        return;
      }
      case Fault.Stall s -> {
        return;
      }
      case Fault.HeadersThenStall s -> {
        boolean sse = "text/event-stream".equals(req.getHeader("accept"));
        resp.setChunked(true).putHeader("content-type", sse ? "text/event-stream; charset=utf-8" : "application/json");
        resp.writeHead();
        return;
      }
      case null, default -> {
      }
    }
    if (!"Bearer upstream-secret".equals(req.getHeader("Authorization"))) {
      error(resp, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
      return;
    }
    String path = req.path();
    if (req.method().name().equals("GET") && path.equals("/v1/models")) {
      resp.putHeader("content-type", "application/json").end(Json.write(models()));
      return;
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body.getBytes());
    } catch (Exception e) {
      error(resp, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
      return;
    }
    if (json == null || !json.isObject()) {
      error(resp, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
      return;
    }
    if (json.path("model").asText().equals("missing-model")) {
      error(resp, 404, "The model `missing-model` does not exist or you do not have access to it.",
          "invalid_request_error", "model_not_found");
      return;
    }
    boolean stream = json.path("stream").asBoolean(false);
    switch (path) {
      case "/v1/chat/completions" -> {
        if (stream) {
          streamChat(req, json, fault);
        } else {
          json(resp, deepSeek ? withReasoning(chatCompletion(json)) : chatCompletion(json));
        }
      }
      case "/v1/completions" -> {
        if (stream) {
          streamCompletion(req, json, fault);
        } else {
          json(resp, completion(json));
        }
      }
      case "/v1/responses" -> {
        if (deepSeek) {
          error(resp, 404, "Not Found", "invalid_request_error", null);
        } else if (stream) {
          streamResponse(req, json, fault);
        } else {
          json(resp, response(json, "resp_fake1"));
        }
      }
      case "/v1/embeddings" -> json(resp, embeddings(json));
      case "/v1/images/generations" -> json(resp, images(json));
      default -> error(resp, 404, "Invalid URL (" + req.method() + " " + path + ")", "invalid_request_error", null);
    }
  }

  private static void json(HttpServerResponse resp, ObjectNode body) {
    resp.putHeader("content-type", "application/json").putHeader("openai-processing-ms", "3")
        .putHeader("x-request-id", "upstream-req-1").end(Json.write(body));
  }

  private static void error(HttpServerResponse resp, int status, String message, String type, String code) {
    ObjectNode root = Json.object();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    e.putNull("param");
    e.put("code", code);
    resp.setStatusCode(status).putHeader("content-type", "application/json").end(Json.write(root));
  }

  static String lastUserText(JsonNode req) {
    JsonNode messages = req.path("messages");
    for (int i = messages.isArray() ? messages.size() - 1 : -1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if ("user".equals(m.path("role").asText())) {
        JsonNode c = m.path("content");
        if (c.isTextual()) {
          return c.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : c) {
          if ("text".equals(p.path("type").asText())) {
            sb.append(p.path("text").asText());
          }
        }
        return sb.toString();
      }
    }
    JsonNode input = req.path("input");
    if (input.isTextual()) {
      return input.asText();
    }
    JsonNode prompt = req.path("prompt");
    return prompt.isTextual() ? prompt.asText() : "";
  }

  /**
   * Speaks like DeepSeek: chat completions only ({@code /v1/responses} is a 404), reasoning streamed in
   * {@code delta.reasoning_content} before the answer (and {@code message.reasoning_content} in JSON),
   * and a {@code : keep-alive} comment before the first event.
   */
  public volatile boolean deepSeek;

  /** The reasoning text a {@link #deepSeek} fake streams before its answer, in two deltas. */
  public static final String[] REASONING = {"Thinking ", "it over."};

  /** The ids {@code GET /v1/models} lists. */
  public volatile List<String> modelIds = List.of("gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "dall-e-3",
      "o3-mini");

  ObjectNode models() {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String id : modelIds) {
      ObjectNode m = data.addObject();
      m.put("id", id);
      m.put("object", "model");
      m.put("created", 1700000000);
      m.put("owned_by", "system");
    }
    return root;
  }

  /** What the fake puts in {@code system_fingerprint} of chat completions and chunks, as OpenAI does. */
  public static final String SYSTEM_FINGERPRINT = "fp_fake0001";

  static ObjectNode usage(int prompt, int completion) {
    ObjectNode u = Json.object();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
    u.putObject("prompt_tokens_details").put("cached_tokens", 2);
    u.putObject("completion_tokens_details").put("reasoning_tokens", 1);
    return u;
  }

  /** The id of the call a chat answer makes (see the class comment). */
  public static final String CALL_ID = "call_fake1";
  static final String CALL_ARGUMENTS = "{\"city\":\"Paris\"}";

  /** The function a chat answer calls: the first function tool when the user says "use tools"; else null. */
  static String functionToCall(JsonNode req) {
    if (toolOutput(req) != null || !lastUserText(req).contains("use tools")) {
      return null;
    }
    for (JsonNode t : req.path("tools")) {
      if ("function".equals(t.path("type").asText()) && t.path("function").path("name").isTextual()) {
        return t.path("function").path("name").asText();
      }
    }
    return null;
  }

  /** The contents of the {@code role: tool} messages that end the conversation, joined; null when none do. */
  static String toolOutput(JsonNode req) {
    JsonNode messages = req.path("messages");
    int i = messages.size() - 1;
    List<String> outputs = new ArrayList<>();
    for (; i >= 0 && "tool".equals(messages.get(i).path("role").asText()); i--) {
      JsonNode c = messages.get(i).path("content");
      StringBuilder sb = new StringBuilder();
      if (c.isTextual()) {
        sb.append(c.asText());
      }
      for (JsonNode p : c.isArray() ? c : Json.MAPPER.createArrayNode()) {
        sb.append(p.path("text").asText(""));
      }
      outputs.addFirst(sb.toString());
    }
    return outputs.isEmpty() ? null : String.join(" ", outputs);
  }

  /** The text of a chat answer: "tool said: ..." after tool results, else the echo. */
  static String chatText(JsonNode req) {
    String output = toolOutput(req);
    return output != null ? "tool said: " + output : "echo: " + lastUserText(req);
  }

  static ObjectNode chatCompletion(JsonNode req) {
    String text = chatText(req);
    String call = functionToCall(req);
    ObjectNode root = Json.object();
    root.put("id", "chatcmpl-fake1");
    root.put("object", "chat.completion");
    root.put("created", 1700000000);
    root.put("model", req.path("model").asText());
    root.put("system_fingerprint", SYSTEM_FINGERPRINT);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    if (call != null) {
      msg.putNull("content");
      ObjectNode tc = msg.putArray("tool_calls").addObject().put("id", CALL_ID).put("type", "function");
      tc.putObject("function").put("name", call).put("arguments", CALL_ARGUMENTS);
    } else {
      msg.put("content", text);
    }
    msg.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", call != null ? "tool_calls" : "stop");
    root.set("usage", usage(10, call != null ? 5 : text.split(" ").length));
    return root;
  }

  static ObjectNode completion(JsonNode req) {
    ObjectNode root = Json.object();
    root.put("id", "cmpl-fake1");
    root.put("object", "text_completion");
    root.put("created", 1700000000);
    root.put("model", req.path("model").asText());
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("text", "echo: " + lastUserText(req));
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    root.set("usage", usage(5, 3));
    return root;
  }

  static ObjectNode response(JsonNode req, String id) {
    String text = "echo: " + lastUserText(req);
    ObjectNode root = Json.object();
    root.put("id", id);
    root.put("object", "response");
    root.put("created_at", 1700000000);
    root.put("status", "completed");
    root.put("model", req.path("model").asText());
    ObjectNode msg = root.putArray("output").addObject();
    msg.put("type", "message");
    msg.put("id", "msg_fake1");
    msg.put("status", "completed");
    msg.put("role", "assistant");
    ObjectNode part = msg.putArray("content").addObject();
    part.put("type", "output_text");
    part.put("text", text);
    part.putArray("annotations");
    root.put("parallel_tool_calls", true);
    root.putArray("tools");
    root.put("tool_choice", "auto");
    ObjectNode u = root.putObject("usage");
    u.put("input_tokens", 10);
    u.putObject("input_tokens_details").put("cached_tokens", 0);
    u.put("output_tokens", 4);
    u.putObject("output_tokens_details").put("reasoning_tokens", 0);
    u.put("total_tokens", 14);
    return root;
  }

  static ObjectNode embeddings(JsonNode req) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    JsonNode input = req.path("input");
    int n = input.isArray() ? input.size() : 1;
    boolean base64 = "base64".equals(req.path("encoding_format").asText());
    for (int i = 0; i < n; i++) {
      ObjectNode e = data.addObject();
      e.put("object", "embedding");
      e.put("index", i);
      float[] v = {0.1f * (i + 1), -0.2f, 0.3f, 0.4f};
      if (base64) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          bb.putFloat(f);
        }
        e.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
      } else {
        ArrayNode arr = e.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
    }
    root.put("model", req.path("model").asText());
    ObjectNode u = root.putObject("usage");
    u.put("prompt_tokens", 4 * n);
    u.put("total_tokens", 4 * n);
    return root;
  }

  static ObjectNode images(JsonNode req) {
    ObjectNode root = Json.object();
    root.put("created", 1700000000);
    ArrayNode data = root.putArray("data");
    int n = req.path("n").asInt(1);
    boolean b64 = "b64_json".equals(req.path("response_format").asText());
    for (int i = 0; i < n; i++) {
      ObjectNode img = data.addObject();
      if (b64) {
        img.put("b64_json", Base64.getEncoder().encodeToString(("png" + i).getBytes()));
      } else {
        img.put("url", "https://images.example/fake-" + i + ".png");
      }
      img.put("revised_prompt", req.path("prompt").asText());
    }
    return root;
  }

  // ---- streams ----

  private interface Emitter {
    /** Returns the data of event i, or null past the end. */
    String event(int i);
  }

  private void streamChat(HttpServerRequest req, JsonNode json, Fault fault) {
    String call = functionToCall(json);
    if (call != null) {
      streamCall(req, json, call, fault);
      return;
    }
    String text = chatText(json);
    String[] words = pieces(req, text);
    boolean includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
    boolean ts = "true".equals(req.getHeader("x-fake-timestamps")) || lastUserText(json).contains("[timestamps]");
    String model = json.path("model").asText();
    int contentEnd = 1 + words.length;
    Emitter emitter = i -> {
      ObjectNode c = Json.object();
      c.put("id", "chatcmpl-fake1");
      c.put("object", "chat.completion.chunk");
      c.put("created", 1700000000);
      c.put("model", model);
      c.put("system_fingerprint", SYSTEM_FINGERPRINT);
      if (ts) {
        java.time.Instant now = java.time.Instant.now();
        c.put("fake_ts", now.getEpochSecond() * 1_000_000_000L + now.getNano());
      }
      ArrayNode choices = c.putArray("choices");
      if (i == 0) {
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        ch.putObject("delta").put("role", "assistant").put("content", "");
        ch.putNull("finish_reason");
      } else if (i < contentEnd) {
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        ch.putObject("delta").put("content", words[i - 1]);
        ch.putNull("finish_reason");
      } else if (i == contentEnd) {
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        ch.putObject("delta");
        ch.put("finish_reason", "stop");
      } else if (i == contentEnd + 1 && includeUsage) {
        c.set("usage", usage(10, words.length));
      } else {
        return null;
      }
      if (includeUsage && !c.has("usage")) {
        c.putNull("usage");
      }
      return Json.write(c);
    };
    stream(req, json, deepSeek ? reasoningFirst(emitter, model) : emitter, fault, true);
  }

  /** A streamed call: the call's id, type and name with empty arguments, two argument deltas, the finish. */
  private void streamCall(HttpServerRequest req, JsonNode json, String name, Fault fault) {
    boolean includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
    String model = json.path("model").asText();
    String[] args = {CALL_ARGUMENTS.substring(0, 8), CALL_ARGUMENTS.substring(8)};
    Emitter emitter = i -> {
      ObjectNode c = Json.object().put("id", "chatcmpl-fake1").put("object", "chat.completion.chunk")
          .put("created", 1700000000).put("model", model).put("system_fingerprint", SYSTEM_FINGERPRINT);
      ArrayNode choices = c.putArray("choices");
      if (i <= 2) {
        ObjectNode ch = choices.addObject().put("index", 0);
        ObjectNode delta = ch.putObject("delta");
        ObjectNode tc = Json.object().put("index", 0);
        if (i == 0) {
          delta.put("role", "assistant").putNull("content");
          tc.put("id", CALL_ID).put("type", "function").putObject("function").put("name", name).put("arguments", "");
        } else {
          tc.putObject("function").put("arguments", args[i - 1]);
        }
        delta.putArray("tool_calls").add(tc);
        ch.putNull("finish_reason");
      } else if (i == 3) {
        ObjectNode ch = choices.addObject().put("index", 0);
        ch.putObject("delta");
        ch.put("finish_reason", "tool_calls");
      } else if (i == 4 && includeUsage) {
        c.set("usage", usage(10, 5));
      } else {
        return null;
      }
      if (includeUsage && !c.has("usage")) {
        c.putNull("usage");
      }
      return Json.write(c);
    };
    stream(req, json, emitter, fault, true);
  }

  /** The events of {@code answer} with two {@code reasoning_content} deltas after the first. */
  private static Emitter reasoningFirst(Emitter answer, String model) {
    return i -> {
      if (i == 1 || i == 2) {
        ObjectNode c = Json.object().put("id", "chatcmpl-fake1").put("object", "chat.completion.chunk")
            .put("created", 1700000000).put("model", model);
        ObjectNode ch = c.putArray("choices").addObject().put("index", 0);
        ch.putObject("delta").put("content", (String) null).put("reasoning_content", REASONING[i - 1]);
        ch.putNull("finish_reason");
        return Json.write(c);
      }
      return answer.event(i < 1 ? i : i - 2);
    };
  }

  private static ObjectNode withReasoning(ObjectNode completion) {
    ((ObjectNode) completion.path("choices").get(0).path("message")).put("reasoning_content", String.join("", REASONING));
    return completion;
  }

  private void streamCompletion(HttpServerRequest req, JsonNode json, Fault fault) {
    String[] words = pieces(req, "echo: " + lastUserText(json));
    boolean includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
    Emitter emitter = i -> {
      ObjectNode c = Json.object();
      c.put("id", "cmpl-fake1");
      c.put("object", "text_completion");
      c.put("created", 1700000000);
      c.put("model", json.path("model").asText());
      ArrayNode choices = c.putArray("choices");
      if (i < words.length) {
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        ch.put("text", words[i]);
        ch.putNull("logprobs");
        ch.putNull("finish_reason");
      } else if (i == words.length) {
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        ch.put("text", "");
        ch.putNull("logprobs");
        ch.put("finish_reason", "stop");
      } else if (i == words.length + 1 && includeUsage) {
        c.set("usage", usage(5, words.length));
      } else {
        return null;
      }
      return Json.write(c);
    };
    stream(req, json, emitter, fault, true);
  }

  /**
   * The real Responses event sequence: created, in_progress, the message item and its text part
   * opened, one text delta per piece, text, part and item done, completed.
   */
  private void streamResponse(HttpServerRequest req, JsonNode json, Fault fault) {
    String[] words = pieces(req, "echo: " + lastUserText(json));
    ObjectNode done = response(json, "resp_fake1");
    JsonNode message = done.path("output").get(0);
    JsonNode part = message.path("content").get(0);
    int deltas = 4;
    int afterDeltas = deltas + words.length;
    Emitter emitter = i -> {
      ObjectNode e = Json.object();
      if (i < 2) {
        e.put("type", i == 0 ? "response.created" : "response.in_progress");
        ObjectNode r = done.deepCopy();
        r.put("status", "in_progress");
        r.putArray("output");
        r.putNull("usage");
        e.set("response", r);
      } else if (i == 2 || i == afterDeltas + 2) {
        e.put("type", i == 2 ? "response.output_item.added" : "response.output_item.done");
        e.put("output_index", 0);
        ObjectNode item = ((ObjectNode) message).deepCopy();
        if (i == 2) {
          item.put("status", "in_progress").putArray("content");
        }
        e.set("item", item);
      } else if (i == 3 || i == afterDeltas + 1) {
        e.put("type", i == 3 ? "response.content_part.added" : "response.content_part.done");
        e.put("item_id", "msg_fake1").put("output_index", 0).put("content_index", 0);
        ObjectNode p = ((ObjectNode) part).deepCopy();
        if (i == 3) {
          p.put("text", "");
        }
        e.set("part", p);
      } else if (i < afterDeltas) {
        e.put("type", "response.output_text.delta");
        e.put("item_id", "msg_fake1").put("output_index", 0).put("content_index", 0);
        e.put("delta", words[i - deltas]);
      } else if (i == afterDeltas) {
        e.put("type", "response.output_text.done");
        e.put("item_id", "msg_fake1").put("output_index", 0).put("content_index", 0);
        e.put("text", part.path("text").asText());
      } else if (i == afterDeltas + 3) {
        e.put("type", "response.completed");
        e.set("response", done);
      } else {
        return null;
      }
      e.put("sequence_number", i);
      return Json.write(e);
    };
    stream(req, json, emitter, fault, false);
  }

  static String directive(HttpServerRequest req, String text, String name) {
    String h = req.getHeader("x-fake-" + name.replace('_', '-'));
    if (h != null) {
      return h;
    }
    var m = java.util.regex.Pattern.compile("\\[" + name + "=(\\d+)]").matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static String[] pieces(HttpServerRequest req, String text) {
    String n = directive(req, text, "chunks");
    if (n != null) {
      int count = Integer.parseInt(n);
      String[] out = new String[count];
      for (int i = 0; i < count; i++) {
        out[i] = "w" + i + " ";
      }
      return out;
    }
    String[] words = text.split("(?<= )");
    return words;
  }

  private void stream(HttpServerRequest req, JsonNode json, Emitter emitter, Fault fault, boolean done) {
    HttpServerResponse resp = req.response();
    resp.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-request-id", "upstream-req-1");
    if (deepSeek) {
      resp.write(": keep-alive\n\n");
    }
    String iv = directive(req, lastUserText(json), "interval_ms");
    long interval = iv == null ? 0 : Long.parseLong(iv);
    boolean responsesStyle = !done;
    int[] index = {0};
    boolean[] over = {false};
    resp.closeHandler(v -> {
      if (!over[0]) {
        over[0] = true;
        cancelledStreams.incrementAndGet();
        abandoned.incrementAndGet();
      }
    });
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      if (over[0]) {
        return;
      }
      int i = index[0]++;
      if (fault instanceof Fault.DropMidStream d && i == d.events()) {
        over[0] = true;
        req.connection().close();
        return;
      }
      if (fault instanceof Fault.StallMidStream s && i == s.events()) {
        return;
      }
      if (fault instanceof Fault.ErrorEventMidStream e && i == e.events()) {
        over[0] = true;
        resp.end("data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
        return;
      }
      String data = emitter.event(i);
      if (data == null) {
        over[0] = true;
        if (done) {
          resp.write("data: [DONE]\n\n");
        }
        resp.end();
        completedStreams.incrementAndGet();
        return;
      }
      String frame = responsesStyle
          ? "event: " + typeOf(data) + "\ndata: " + data + "\n\n"
          : "data: " + data + "\n\n";
      resp.write(frame);
      if (resp.writeQueueFull()) {
        resp.drainHandler(v -> schedule(step[0], interval));
      } else {
        schedule(step[0], interval);
      }
    };
    step[0].run();
  }

  private static String typeOf(String data) {
    try {
      return Json.MAPPER.readTree(data).path("type").asText();
    } catch (Exception e) {
      return "message";
    }
  }

  private void schedule(Runnable r, long interval) {
    if (interval > 0) {
      vertx.setTimer(interval, t -> r.run());
    } else {
      vertx.runOnContext(v -> r.run());
    }
  }

}
