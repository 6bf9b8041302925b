package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the ChatGPT Codex backend that enforces its request rules: a valid, unexpired
 * access token issued by {@link FakeOAuthIssuer} with a matching {@code chatgpt-account-id},
 * {@code originator} and {@code session_id} headers, {@code stream:true}, {@code store:false},
 * non-blank {@code instructions}, {@code input} a list, and no unsupported parameters (400 {@code {"detail":...}} as the
 * real backend answers). It streams realistic Responses events with {@code x-codex-*} limit headers
 * and a {@code codex.rate_limits} event.
 *
 * <p>Answers echo the last user text ("echo: TEXT", one delta per word). When the request has
 * function tools and the user text contains "use tools", it calls every function tool (up to three)
 * with streamed arguments {@code {"city":"Paris","n":I}} instead; given Claude Code's {@code Read} tool and an
 * absolute {@code .txt} path in the input, it reads that file with it; once the input holds a function
 * call's output it answers "tool said: OUTPUT". Faults: per-account usage limits
 * ({@link #exhaust}), rejected access tokens ({@link #rejectToken}), a failing or cut next response
 * ({@link #failNext}) or status ({@link #failNextWithStatus}).
 */
public final class FakeCodexBackend implements AutoCloseable {
  public static final String RESPONSES_PATH = "/backend-api/codex/responses";
  public static final String MODELS_PATH = "/backend-api/codex/models";
  static final Set<String> UNSUPPORTED = Set.of("max_output_tokens", "max_completion_tokens", "max_tokens",
      "temperature", "top_p", "metadata", "prompt_cache_retention", "safety_identifier", "truncation", "user");

  /** One request as the fake received it; {@code status} is what it answered. */
  public record Seen(String accountId, MultiMap headers, JsonNode body, int status) {
  }

  /** How the next streamed response fails. */
  public enum Failure { BEFORE_OUTPUT, AFTER_TEXT, USAGE_LIMIT_BEFORE_OUTPUT, CUT_BEFORE_OUTPUT, STALL_BEFORE_OUTPUT }

  private final Vertx vertx = Vertx.vertx();
  private final FakeOAuthIssuer issuer;
  private final Clock clock;
  private HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Long> exhausted = new ConcurrentHashMap<>();
  private final Set<String> rejected = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Failure> nextFailure = new AtomicReference<>();
  private final AtomicInteger nextStatus = new AtomicInteger();
  private final AtomicInteger modelCalls = new AtomicInteger();
  private final AtomicInteger responses = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  private volatile double streamedPrimaryUsed = 13.0;

  private FakeCodexBackend(FakeOAuthIssuer issuer, Clock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  public static FakeCodexBackend start(FakeOAuthIssuer issuer, Clock clock) {
    FakeCodexBackend f = new FakeCodexBackend(issuer, clock);
    Router r = Router.router(f.vertx);
    r.route().handler(BodyHandler.create());
    r.post(RESPONSES_PATH).handler(f::responses);
    r.get(MODELS_PATH).handler(f::models);
    try {
      f.server = f.vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return f;
  }

  /** The value for {@code upstream.codex_base_url}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * From now on the account answers 429 usage_limit_reached with this {@code resets_in_seconds} and
   * the matching {@code resets_at} (whole epoch seconds, rounded down as the backend does).
   */
  public void exhaust(String accountId, long resetsInSeconds) {
    exhausted.put(accountId, resetsInSeconds);
  }

  /** The account has capacity again. */
  public void restore(String accountId) {
    exhausted.remove(accountId);
  }

  /** From now on the {@code codex.rate_limits} event of every stream reports this primary usage. */
  public void streamedPrimaryUsed(double percent) {
    streamedPrimaryUsed = percent;
  }

  /** The backend no longer accepts this access token (401), as after a revocation. */
  public void rejectToken(String accessToken) {
    rejected.add(accessToken);
  }

  /** The next streamed response fails this way. */
  public void failNext(Failure f) {
    nextFailure.set(f);
  }

  /** The next request is answered with this status (e.g. 500). */
  public void failNextWithStatus(int status) {
    nextStatus.set(status);
  }

  /** Every responses request received, in order. */
  public List<Seen> requests() {
    return List.copyOf(seen);
  }

  public Seen last() {
    return seen.get(seen.size() - 1);
  }

  /** Requests the fake answered 200, by account, in order. */
  public List<String> servedAccounts() {
    return seen.stream().filter(s -> s.status() == 200).map(Seen::accountId).toList();
  }

  /** Streamed responses whose connection the gateway closed before they ended. */
  public int abandoned() {
    return abandoned.get();
  }

  public int modelCalls() {
    return modelCalls.get();
  }

  /** The account of a valid token, or null. */
  private String accountOf(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      return null;
    }
    String token = auth.substring(7);
    if (!issuer.isValidAccessToken(token) || rejected.contains(token)) {
      return null;
    }
    JsonNode payload = payload(token);
    if (payload == null || payload.path("exp").asLong(0) <= clock.instant().getEpochSecond()) {
      return null;
    }
    return payload.path("https://api.openai.com/auth").path("chatgpt_account_id").asText(null);
  }

  private static JsonNode payload(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      return Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (Exception e) {
      return null;
    }
  }

  /** Checks credentials and headers; answers and returns null when they fail. */
  private String authorize(RoutingContext ctx) {
    String account = accountOf(ctx);
    if (account == null) {
      error(ctx, 401, Json.object().set("error", Json.object().put("message", "Your authentication token has expired.")
          .put("type", "invalid_request_error").put("code", "token_expired")));
      return null;
    }
    if (!account.equals(ctx.request().getHeader("chatgpt-account-id"))) {
      detail(ctx, 403, "chatgpt-account-id does not match the access token");
      return null;
    }
    if (ctx.request().getHeader("originator") == null) {
      detail(ctx, 400, "originator header is required");
      return null;
    }
    return account;
  }

  private void models(RoutingContext ctx) {
    modelCalls.incrementAndGet();
    if (authorize(ctx) == null) {
      return;
    }
    if (ctx.request().getParam("client_version") == null) {
      detail(ctx, 400, "client_version is required");
      return;
    }
    ObjectNode body = Json.object();
    ArrayNode models = body.putArray("models");
    models.addObject().put("slug", "gpt-5.3-codex").put("display_name", "GPT-5.3 Codex").put("context_window", 272000)
        .put("visibility", "list").putArray("supported_reasoning_levels").addObject().put("effort", "medium");
    models.addObject().put("slug", "gpt-fake-only").put("display_name", "Fake only").put("visibility", "list")
        .put("base_instructions", "long text that is not passed on");
    models.addObject().put("slug", "gpt-hidden").put("visibility", "hide");
    ctx.response().putHeader("Content-Type", "application/json").end(Json.write(body));
  }

  private void responses(RoutingContext ctx) {
    JsonNode body;
    try {
      body = Json.parse(ctx.body().asString());
    } catch (Exception e) {
      body = null;
    }
    String account = accountOf(ctx);
    int status = check(ctx, body);
    seen.add(new Seen(account, MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()), body, status));
    if (status != 200) {
      return;
    }
    stream(ctx, body);
  }

  /** Answers an error and returns its status, or returns 200. */
  private int check(RoutingContext ctx, JsonNode body) {
    int forced = nextStatus.getAndSet(0);
    if (forced != 0) {
      detail(ctx, forced, "Internal server error");
      return forced;
    }
    String account = authorize(ctx);
    if (account == null) {
      return ctx.response().getStatusCode();
    }
    Long resets = exhausted.get(account);
    if (resets != null) {
      ObjectNode e = Json.object();
      e.putObject("error").put("type", "usage_limit_reached").put("message", "The usage limit has been reached")
          .put("plan_type", "plus").put("resets_in_seconds", resets)
          .put("resets_at", clock.instant().getEpochSecond() + resets);
      error(ctx, 429, e);
      return 429;
    }
    String problem = problem(ctx, body);
    if (problem != null) {
      detail(ctx, 400, problem);
      return 400;
    }
    String unresolvable = unresolvableItem(body.path("input"));
    if (unresolvable != null) {
      ObjectNode e = Json.object();
      e.putObject("error").put("message", "Item with id '" + unresolvable + "' not found. Items are not persisted "
          + "when `store` is set to false. Try again with `store` set to true, or remove this item from your input.")
          .put("type", "invalid_request_error").put("param", "input").putNull("code");
      error(ctx, 400, e);
      return 400;
    }
    return 200;
  }

  /**
   * The id of an input item that needs storage (which {@code store:false} rules out): an
   * {@code item_reference}, or a reasoning item without its {@code encrypted_content}; else null.
   */
  private static String unresolvableItem(JsonNode input) {
    for (JsonNode item : input) {
      String type = item.path("type").asText(null);
      boolean reference = type == null ? item.size() == 1 && item.has("id") : type.equals("item_reference");
      if (reference || "reasoning".equals(type) && !item.path("encrypted_content").isTextual()) {
        return item.path("id").asText("");
      }
    }
    return null;
  }

  private static String problem(RoutingContext ctx, JsonNode body) {
    String session = ctx.request().getHeader("session_id");
    if (session == null || session.isBlank()) {
      return "session_id header is required";
    }
    if (!"text/event-stream".equals(ctx.request().getHeader("Accept"))) {
      return "Accept must be text/event-stream";
    }
    if (body == null || !body.isObject()) {
      return "Invalid JSON body";
    }
    if (!body.path("stream").asBoolean(false)) {
      return "Stream must be set to true";
    }
    if (!body.has("store") || body.path("store").asBoolean(true)) {
      return "Store must be set to false";
    }
    if (!body.path("instructions").isTextual() || body.path("instructions").asText().isBlank()) {
      return "Instructions are required";
    }
    if (!body.path("input").isArray()) {
      return "Input must be a list";
    }
    for (String f : UNSUPPORTED) {
      if (body.has(f)) {
        return "Unsupported parameter: " + f;
      }
    }
    return null;
  }

  private void stream(RoutingContext ctx, JsonNode req) {
    long now = clock.instant().getEpochSecond();
    HttpServerResponse resp = ctx.response();
    resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("x-codex-primary-used-percent", "12.5").putHeader("x-codex-primary-window-minutes", "300")
        .putHeader("x-codex-primary-reset-at", Long.toString(now + 3600))
        .putHeader("x-codex-secondary-used-percent", "40").putHeader("x-codex-secondary-window-minutes", "10080")
        .putHeader("x-codex-secondary-reset-at", Long.toString(now + 86_400));
    Failure failure = nextFailure.getAndSet(null);
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        abandoned.incrementAndGet();
      }
    });
    String id = "resp_fake" + responses.incrementAndGet();
    String model = req.path("model").asText("gpt-5.3-codex");
    ObjectNode base = Json.object().put("id", id).put("object", "response").put("created_at", now)
        .put("model", model).put("status", "in_progress");
    base.putArray("output");
    List<ObjectNode> events = new ArrayList<>();
    events.add(event("response.created").set("response", base.deepCopy()));
    events.add(event("response.in_progress").set("response", base.deepCopy()));
    if (failure == Failure.BEFORE_OUTPUT) {
      events.add(failed(base));
      send(resp, events);
      return;
    }
    if (failure == Failure.STALL_BEFORE_OUTPUT) {
      write(resp, events);
      return;
    }
    if (failure == Failure.CUT_BEFORE_OUTPUT) {
      write(resp, events);
      ctx.request().connection().close();
      return;
    }
    if (failure == Failure.USAGE_LIMIT_BEFORE_OUTPUT) {
      ObjectNode r = base.deepCopy().put("status", "failed");
      r.putObject("error").put("code", "usage_limit_reached").put("message", "The usage limit has been reached.");
      events.add(event("response.failed").set("response", r));
      send(resp, events);
      return;
    }
    String text = lastUserText(req.path("input"));
    List<String> tools = new ArrayList<>();
    for (JsonNode t : req.path("tools")) {
      if ("function".equals(t.path("type").asText()) && tools.size() < 3) {
        tools.add(t.path("name").asText());
      }
    }
    ArrayNode output = Json.MAPPER.createArrayNode();
    int outputTokens = 5;
    if (req.path("reasoning").isObject()) {
      ObjectNode reasoning = Json.object().put("type", "reasoning").put("id", "rs_" + id);
      reasoning.putArray("summary");
      events.add(event("response.output_item.added").put("output_index", 0).set("item", reasoning.deepCopy()));
      for (JsonNode inc : req.path("include")) {
        if (inc.asText().equals("reasoning.encrypted_content")) {
          reasoning.put("encrypted_content", "enc:" + id);
        }
      }
      events.add(event("response.output_item.done").put("output_index", 0).set("item", reasoning));
      output.add(reasoning);
    }
    int first = output.size();
    String toolOutput = lastToolOutput(req.path("input"));
    Matcher file = FILE.matcher(req.path("input").toString());
    String fileTool = hasTool(req, "Read") ? "Read" : hasTool(req, "read_file") ? "read_file" : null;
    boolean readFile = toolOutput == null && fileTool != null && file.find();
    if (readFile) {
      // Claude Code's (Read) or the Gemini CLI's (read_file) file tool, asked for a file the prompt names
      tools = List.of(fileTool);
    }
    if (readFile || toolOutput == null && !tools.isEmpty() && text.contains("use tools")) {
      for (int n = 0; n < tools.size(); n++) {
        int i = first + n;
        String itemId = "fc_" + id + "_" + n;
        String callId = "call_" + id + "_" + n;
        String args = readFile ? Json.write(Json.object().put("file_path", file.group(1)))
            : "{\"city\":\"Paris\",\"n\":" + n + "}";
        ObjectNode item = Json.object().put("type", "function_call").put("id", itemId).put("call_id", callId)
            .put("name", tools.get(n)).put("arguments", "").put("status", "in_progress");
        events.add(event("response.output_item.added").put("output_index", i).set("item", item));
        for (String piece : new String[] {args.substring(0, 5), args.substring(5, 12), args.substring(12)}) {
          events.add(event("response.function_call_arguments.delta").put("item_id", itemId).put("output_index", i)
              .put("delta", piece));
        }
        events.add(event("response.function_call_arguments.done").put("item_id", itemId).put("output_index", i)
            .put("arguments", args));
        ObjectNode done = item.deepCopy().put("arguments", args).put("status", "completed");
        events.add(event("response.output_item.done").put("output_index", i).set("item", done));
        output.add(done);
        outputTokens += 7;
      }
    } else {
      String answer = toolOutput != null ? "tool said: " + toolOutput : "echo: " + text;
      String itemId = "msg_" + id;
      ObjectNode item = Json.object().put("type", "message").put("id", itemId).put("role", "assistant")
          .put("status", "in_progress");
      item.putArray("content");
      events.add(event("response.output_item.added").put("output_index", first).set("item", item));
      ObjectNode part = Json.object().put("type", "output_text").put("text", "");
      part.putArray("annotations");
      events.add(event("response.content_part.added").put("item_id", itemId).put("output_index", first)
          .put("content_index", 0).set("part", part));
      String[] words = answer.split("(?<= )");
      for (int i = 0; i < words.length; i++) {
        events.add(event("response.output_text.delta").put("item_id", itemId).put("output_index", first)
            .put("content_index", 0).put("delta", words[i]));
        outputTokens++;
        if (failure == Failure.AFTER_TEXT && i == 1) {
          events.add(failed(base));
          send(resp, events);
          return;
        }
      }
      events.add(event("response.output_text.done").put("item_id", itemId).put("output_index", first)
          .put("content_index", 0).put("text", answer));
      ObjectNode donePart = part.deepCopy().put("text", answer);
      events.add(event("response.content_part.done").put("item_id", itemId).put("output_index", first)
          .put("content_index", 0).set("part", donePart));
      ObjectNode done = item.deepCopy().put("status", "completed");
      done.putArray("content").add(donePart);
      events.add(event("response.output_item.done").put("output_index", first).set("item", done));
      output.add(done);
    }
    ObjectNode rl = event("codex.rate_limits").put("plan_type", "plus");
    ObjectNode limits = rl.putObject("rate_limits");
    limits.putObject("primary").put("used_percent", streamedPrimaryUsed).put("window_minutes", 300).put("resets_at", now + 3600);
    limits.putObject("secondary").put("used_percent", 41.0).put("window_minutes", 10080).put("resets_at", now + 86_400);
    events.add(rl);
    ObjectNode completed = base.deepCopy().put("status", "completed");
    completed.set("output", output);
    ObjectNode usage = completed.putObject("usage").put("input_tokens", 20);
    usage.putObject("input_tokens_details").put("cached_tokens", 8);
    usage.put("output_tokens", outputTokens);
    usage.putObject("output_tokens_details").put("reasoning_tokens", 5);
    usage.put("total_tokens", 20 + outputTokens);
    events.add(event("response.completed").set("response", completed));
    send(resp, events);
  }

  private static ObjectNode failed(ObjectNode base) {
    ObjectNode r = base.deepCopy().put("status", "failed");
    r.putObject("error").put("code", "server_error").put("message", "The model failed to generate a response.");
    return event("response.failed").set("response", r);
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

  /** The output of the last function call in the input; null when there is none. */
  private static String lastToolOutput(JsonNode input) {
    String found = null;
    for (JsonNode item : input) {
      if ("function_call_output".equals(item.path("type").asText())) {
        JsonNode out = item.path("output");
        found = out.isTextual() ? out.asText() : out.toString();
      }
    }
    return found;
  }

  private static String lastUserText(JsonNode input) {
    String text = "";
    for (JsonNode item : input) {
      if (!"user".equals(item.path("role").asText())) {
        continue;
      }
      JsonNode c = item.path("content");
      if (c.isTextual()) {
        text = c.asText();
      } else {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : c) {
          sb.append(p.path("text").asText(""));
        }
        text = sb.toString();
      }
    }
    return text;
  }

  private final AtomicInteger sequence = new AtomicInteger();

  private static ObjectNode event(String type) {
    return Json.object().put("type", type);
  }

  private void send(HttpServerResponse resp, List<ObjectNode> events) {
    write(resp, events);
    resp.end();
  }

  private void write(HttpServerResponse resp, List<ObjectNode> events) {
    for (ObjectNode e : events) {
      e.put("sequence_number", sequence.incrementAndGet());
      resp.write("event: " + e.path("type").asText() + "\ndata: " + Json.write(e) + "\n\n");
    }
  }

  private static void detail(RoutingContext ctx, int status, String message) {
    error(ctx, status, Json.object().put("detail", message));
  }

  private static void error(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    }
  }
}
