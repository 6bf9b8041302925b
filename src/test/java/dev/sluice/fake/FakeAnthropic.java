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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Anthropic Messages API speaking the real wire format: {@code POST /v1/messages} (JSON and
 * SSE), {@code POST /v1/messages/count_tokens}, {@code GET /v1/models}; the key in {@code x-api-key}
 * or {@code Authorization: Bearer} ({@code x-api-key} wins), {@code anthropic-version} required,
 * {@code 2026-10-21} refusing {@code temperature}/{@code top_p}/{@code top_k} as the real API does,
 * {@code max_tokens} required. Errors are {@code {"type":"error","error":{"type","message"}}}.
 *
 * <p>Answers echo the last user text ("echo: TEXT"); when the request has tools and the text says
 * "use tools", it calls the first tool with {@code {"city":"Paris"}}; when the last user turn holds a
 * {@code tool_result}, it answers "tool said: CONTENT". With {@code thinking} enabled a signed thinking
 * block comes first. Asked by a client with Claude Code's {@code Read} tool about an absolute
 * {@code .txt} path, it reads that file with the tool. Usage: 10 input tokens, 2 cache reads, 1 cache write. Faults: a status answer
 * (429, 529 overloaded), and an {@code error} event in the middle of a stream.
 */
public final class FakeAnthropic implements AutoCloseable {
  public static final String KEY = "anthropic-upstream-secret";

  /** What to do with the next messages request. */
  public sealed interface Fault {
    /** Answer with this status and error type (and headers). */
    record Status(int status, String type, MultiMap headers) implements Fault {
    }

    /** Stream normally up to the first text delta, then an {@code overloaded_error} event. */
    record ErrorMidStream() implements Fault {
    }

    /** A 200 whose JSON body is cut off: what no translator can read. */
    record CutOffBody() implements Fault {
    }
  }

  /** A request as the fake saw it. */
  public record Seen(String path, MultiMap headers, String body) {
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
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private FakeAnthropic(HttpServer server) {
    this.server = server;
  }

  public static FakeAnthropic start(Vertx vertx) {
    FakeAnthropic[] holder = new FakeAnthropic[1];
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    server.requestHandler(req -> req.body().onSuccess(body -> holder[0].handle(req, body)));
    holder[0] = new FakeAnthropic(server);
    server.listen().await();
    return holder[0];
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void inject(Fault f) {
    faults.add(f);
  }

  public Seen last() {
    return seen.isEmpty() ? null : seen.get(seen.size() - 1);
  }

  @Override
  public void close() {
    server.close().await();
  }

  private void handle(HttpServerRequest req, Buffer body) {
    seen.add(new Seen(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString()));
    HttpServerResponse resp = req.response();
    String key = req.getHeader("x-api-key");
    if (key == null && req.getHeader("Authorization") != null && req.getHeader("Authorization").startsWith("Bearer ")) {
      key = req.getHeader("Authorization").substring(7);
    }
    if (!KEY.equals(key)) {
      error(resp, 401, "authentication_error", "invalid x-api-key");
      return;
    }
    String version = req.getHeader("anthropic-version");
    if (version == null) {
      error(resp, 400, "invalid_request_error", "anthropic-version: header is required");
      return;
    }
    if (req.path().equals("/v1/models")) {
      models(resp);
      return;
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body.getBytes());
    } catch (Exception e) {
      error(resp, 400, "invalid_request_error", "There was an error parsing the body of your request");
      return;
    }
    if (req.path().equals("/v1/messages/count_tokens")) {
      int words = lastUserText(json).split("\\s+").length;
      resp.putHeader("content-type", "application/json").end(Json.write(Json.object().put("input_tokens", 7 + words)));
      return;
    }
    if (!req.path().equals("/v1/messages")) {
      error(resp, 404, "not_found_error", "Not found");
      return;
    }
    if ("2026-10-21".equals(version)) {
      for (String f : List.of("temperature", "top_p", "top_k")) {
        if (json.has(f)) {
          error(resp, 400, "invalid_request_error", f + ": Extra inputs are not permitted");
          return;
        }
      }
    }
    if (!json.path("max_tokens").isInt()) {
      error(resp, 400, "invalid_request_error", "max_tokens: Field required");
      return;
    }
    Fault fault = faults.poll();
    if (fault instanceof Fault.Status s) {
      resp.headers().addAll(s.headers());
      error(resp, s.status(), s.type(), s.type().equals("overloaded_error") ? "Overloaded" : "Number of requests has exceeded your rate limit");
      return;
    }
    if (fault instanceof Fault.CutOffBody) {
      resp.putHeader("content-type", "application/json").end("{\"id\":\"msg_cut\",\"type\":\"message\",\"cont");
      return;
    }
    List<ObjectNode> blocks = answer(json);
    String stop = blocks.stream().anyMatch(b -> b.path("type").asText().equals("tool_use")) ? "tool_use" : "end_turn";
    String id = "msg_fake" + ids.incrementAndGet();
    if (json.path("stream").asBoolean(false)) {
      stream(resp, json, id, blocks, stop, fault instanceof Fault.ErrorMidStream);
    } else {
      ObjectNode msg = message(json, id);
      ArrayNode content = msg.putArray("content");
      blocks.forEach(content::add);
      msg.put("stop_reason", stop);
      ((ObjectNode) msg.get("usage")).put("output_tokens", 5);
      resp.putHeader("content-type", "application/json").putHeader("request-id", "req_fake").end(Json.write(msg));
    }
  }

  private static ObjectNode message(JsonNode req, String id) {
    ObjectNode msg = Json.object().put("id", id).put("type", "message").put("role", "assistant")
        .put("model", req.path("model").asText());
    msg.putArray("content");
    msg.putNull("stop_reason");
    msg.putNull("stop_sequence");
    msg.putObject("usage").put("input_tokens", 10).put("cache_creation_input_tokens", 1)
        .put("cache_read_input_tokens", 2).put("output_tokens", 1);
    return msg;
  }

  /** The content blocks of the answer. */
  private static List<ObjectNode> answer(JsonNode req) {
    List<ObjectNode> blocks = new ArrayList<>();
    if ("enabled".equals(req.path("thinking").path("type").asText())) {
      blocks.add(Json.object().put("type", "thinking").put("thinking", "Let me think.")
          .put("signature", "sig-" + req.path("model").asText()));
    }
    JsonNode lastUser = null;
    for (JsonNode m : req.path("messages")) {
      if ("user".equals(m.path("role").asText())) {
        lastUser = m;
      }
    }
    String toolResult = null;
    if (lastUser != null && lastUser.path("content").isArray()) {
      for (JsonNode b : lastUser.path("content")) {
        if ("tool_result".equals(b.path("type").asText())) {
          toolResult = b.path("content").isTextual() ? b.path("content").asText()
              : b.path("content").path(0).path("text").asText();
        }
      }
    }
    String text = lastUserText(req);
    Matcher file = FILE.matcher(req.path("messages").toString());
    if (toolResult == null && hasTool(req, "Read") && file.find()) {
      // Claude Code's file tool, asked for a file the prompt names: read it
      ObjectNode use = Json.object().put("type", "tool_use").put("id", "toolu_read" + text.length()).put("name", "Read");
      use.putObject("input").put("file_path", file.group(1));
      blocks.add(use);
      return blocks;
    }
    if (toolResult != null) {
      blocks.add(Json.object().put("type", "text").put("text", "tool said: " + toolResult));
    } else if (req.path("tools").isArray() && !req.path("tools").isEmpty() && text.contains("use tools")) {
      ObjectNode use = Json.object().put("type", "tool_use").put("id", "toolu_fake1")
          .put("name", req.path("tools").get(0).path("name").asText());
      use.putObject("input").put("city", "Paris");
      blocks.add(use);
    } else {
      blocks.add(Json.object().put("type", "text").put("text", "echo: " + text));
    }
    return blocks;
  }

  /** An absolute path to a text file in a prompt. */
  private static final Pattern FILE = Pattern.compile("(/[\\w./-]+\\.txt)");

  private static boolean hasTool(JsonNode req, String name) {
    for (JsonNode t : req.path("tools")) {
      if (name.equals(t.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  static String lastUserText(JsonNode req) {
    String text = "";
    for (JsonNode m : req.path("messages")) {
      if (!"user".equals(m.path("role").asText())) {
        continue;
      }
      JsonNode c = m.path("content");
      if (c.isTextual()) {
        text = c.asText();
      } else {
        for (JsonNode b : c) {
          if ("text".equals(b.path("type").asText())) {
            text = b.path("text").asText();
          }
        }
      }
    }
    return text;
  }

  private void stream(HttpServerResponse resp, JsonNode req, String id, List<ObjectNode> blocks, String stop,
                      boolean failMidway) {
    resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache").putHeader("request-id", "req_fake");
    send(resp, "message_start", Json.object().put("type", "message_start").set("message", message(req, id)));
    send(resp, "ping", Json.object().put("type", "ping"));
    for (int i = 0; i < blocks.size(); i++) {
      ObjectNode b = blocks.get(i);
      String type = b.path("type").asText();
      ObjectNode start = b.deepCopy();
      switch (type) {
        case "text" -> start.put("text", "");
        case "thinking" -> start.put("thinking", "").put("signature", "");
        default -> start.putObject("input");
      }
      send(resp, "content_block_start", Json.object().put("type", "content_block_start").put("index", i)
          .set("content_block", start));
      switch (type) {
        case "text" -> {
          String[] words = b.path("text").asText().split("(?<= )");
          for (int w = 0; w < words.length; w++) {
            send(resp, "content_block_delta", delta(i, Json.object().put("type", "text_delta").put("text", words[w])));
            if (failMidway && w == 0) {
              send(resp, "error", Json.object().put("type", "error").set("error",
                  Json.object().put("type", "overloaded_error").put("message", "Overloaded")));
              resp.end();
              return;
            }
          }
        }
        case "thinking" -> {
          send(resp, "content_block_delta", delta(i, Json.object().put("type", "thinking_delta")
              .put("thinking", b.path("thinking").asText())));
          send(resp, "content_block_delta", delta(i, Json.object().put("type", "signature_delta")
              .put("signature", b.path("signature").asText())));
        }
        default -> {
          String input = Json.write(b.path("input"));
          send(resp, "content_block_delta", delta(i, Json.object().put("type", "input_json_delta")
              .put("partial_json", input.substring(0, 5))));
          send(resp, "content_block_delta", delta(i, Json.object().put("type", "input_json_delta")
              .put("partial_json", input.substring(5))));
        }
      }
      send(resp, "content_block_stop", Json.object().put("type", "content_block_stop").put("index", i));
    }
    ObjectNode md = Json.object().put("type", "message_delta");
    md.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
    md.putObject("usage").put("output_tokens", 5);
    send(resp, "message_delta", md);
    send(resp, "message_stop", Json.object().put("type", "message_stop"));
    resp.end();
  }

  private static ObjectNode delta(int index, ObjectNode delta) {
    return Json.object().put("type", "content_block_delta").put("index", index).set("delta", delta);
  }

  private static void send(HttpServerResponse resp, String event, ObjectNode data) {
    resp.write("event: " + event + "\ndata: " + Json.write(data) + "\n\n");
  }

  private static void models(HttpServerResponse resp) {
    ObjectNode root = Json.object();
    ArrayNode data = root.putArray("data");
    for (String id : List.of("claude-sonnet-4-5", "claude-haiku-4-5")) {
      data.addObject().put("type", "model").put("id", id).put("display_name", id)
          .put("created_at", "2025-09-29T00:00:00Z");
    }
    root.put("has_more", false).put("first_id", "claude-sonnet-4-5").put("last_id", "claude-haiku-4-5");
    resp.putHeader("content-type", "application/json").end(Json.write(root));
  }

  private static void error(HttpServerResponse resp, int status, String type, String message) {
    ObjectNode e = Json.object().put("type", "error");
    e.putObject("error").put("type", type).put("message", message);
    resp.setStatusCode(status).putHeader("content-type", "application/json").end(Json.write(e));
  }
}
