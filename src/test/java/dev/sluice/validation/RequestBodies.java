package dev.sluice.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;

/** Realistic request bodies shared by tests, generators and the benchmark. */
public final class RequestBodies {
  private RequestBodies() {
  }

  /**
   * A chat request of {@code messages} messages (system, then user / assistant-with-tool-call /
   * tool turns) with two function tools, a named tool choice, sampling parameters and streaming.
   */
  public static ObjectNode typicalChat(int messages) {
    ObjectNode body = Json.object();
    body.put("model", "gpt-4.1");
    ArrayNode msgs = body.putArray("messages");
    msgs.addObject().put("role", "system").put("content", "You are a helpful assistant that uses tools when useful.");
    for (int i = 1; i < messages; i++) {
      switch (i % 3) {
        case 1 -> {
          ObjectNode m = msgs.addObject().put("role", "user");
          if (i % 6 == 1) {
            ArrayNode parts = m.putArray("content");
            parts.addObject().put("type", "text").put("text", "What is the weather in city number " + i + "?");
            parts.addObject().put("type", "image_url").putObject("image_url")
                .put("url", "https://example.com/img" + i + ".png").put("detail", "low");
          } else {
            m.put("content", "Please check the forecast for tomorrow, turn " + i + ".");
          }
        }
        case 2 -> {
          ObjectNode m = msgs.addObject().put("role", "assistant");
          m.putNull("content");
          ObjectNode call = m.putArray("tool_calls").addObject();
          call.put("id", "call_" + i).put("type", "function");
          call.putObject("function").put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}");
        }
        default -> msgs.addObject().put("role", "tool").put("tool_call_id", "call_" + (i - 1))
            .put("content", "{\"temp\":21,\"sky\":\"clear\"}");
      }
    }
    ArrayNode tools = body.putArray("tools");
    for (String name : new String[] {"get_weather", "get_time"}) {
      ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
      fn.put("name", name).put("description", "Look up " + name.substring(4) + " for a city");
      ObjectNode params = fn.putObject("parameters").put("type", "object");
      params.putObject("properties").putObject("city").put("type", "string");
      params.putArray("required").add("city");
    }
    body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
    body.put("temperature", new java.math.BigDecimal("0.7"));
    body.put("top_p", 1);
    body.put("max_completion_tokens", 1024);
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    body.put("user", "user-1234");
    return body;
  }
}
