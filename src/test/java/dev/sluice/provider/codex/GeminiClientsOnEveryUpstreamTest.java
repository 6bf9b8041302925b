package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Candidate;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.google.genai.types.Type;
import dev.sluice.fake.FakeAnthropic;
import dev.sluice.fake.FakeGemini;
import dev.sluice.fake.FakeOpenAI;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The google-genai SDK as the client of the gateway's Gemini endpoint, on each upstream type behind one
 * gateway: an OpenAI-compatible API, Anthropic and the ChatGPT account pool (the Gemini request
 * translated through chat completions), and Gemini (the request as it came, a Gemini 3 model enforcing
 * signatures). Answers and streams, and a function-calling round trip: a function declaration, the
 * model's call, the client's function response, the final text.
 */
class GeminiClientsOnEveryUpstreamTest {
  static Vertx vertx;
  static FakeOpenAI openai;
  static FakeAnthropic claude;
  static FakeGemini google;
  static CodexHarness h;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    openai = FakeOpenAI.start(vertx);
    claude = FakeAnthropic.start(vertx);
    google = FakeGemini.start(vertx);
    h = new CodexHarness(List.of("acct-a"), """
        upstreams:
          pool: { type: codex }
          gpt: { type: openai, base_url: "%s", api_key: "upstream-secret" }
          claude: { type: anthropic, base_url: "%s", api_key: "%s", version: "2023-06-01", default_max_tokens: 512 }
          google: { type: gemini, base_url: "%s", api_key: "%s" }
        models:
          - { name: "on-openai", targets: ["gpt:gpt-4o"] }
          - { name: "on-anthropic", targets: ["claude:claude-sonnet-4-5"] }
          - { name: "on-codex", targets: ["pool:gpt-5.3-codex"] }
          - { name: "gemini-*", targets: [google] }
        """.formatted(openai.baseUrl(), claude.baseUrl(), FakeAnthropic.KEY, google.baseUrl(), FakeGemini.KEY));
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
    google.close();
    claude.close();
    openai.close();
    vertx.close().await();
  }

  static Client client() {
    return Client.builder().apiKey(CodexHarness.KEY)
        .httpOptions(HttpOptions.builder().baseUrl(h.baseUrl()).apiVersion("v1beta").build()).build();
  }

  /** The model of each upstream type, as the Gemini client names it. */
  static Stream<Arguments> everyUpstream() {
    return Stream.of("on-openai", "on-anthropic", "on-codex", "gemini-3-pro-preview")
        .flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
  }

  static Stream<Arguments> chatUpstreams() {
    return Stream.of("on-anthropic", "on-codex").flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
  }

  @ParameterizedTest(name = "{0}, stream {1}")
  @MethodSource("chatUpstreams")
  void answersAndStreamsThroughTheSdk(String model, boolean stream) {
    try (Client c = client()) {
      Turn t = turn(c, model, List.of(Content.fromParts(Part.fromText("hello over there"))), null, stream);
      assertThat(t.text()).isEqualTo("echo: hello over there");
      assertThat(t.last().finishReason().toString()).isEqualTo("STOP");
      assertThat(t.last().usageMetadata().orElseThrow().promptTokenCount().orElse(0)).isPositive();
      if (stream) {
        assertThat(t.responses()).as("streamed in pieces").hasSizeGreaterThan(1);
      }
    }
  }

  @ParameterizedTest(name = "{0}, stream {1}")
  @MethodSource("everyUpstream")
  void functionCallingRoundTrip(String model, boolean stream) {
    GenerateContentConfig config = GenerateContentConfig.builder().tools(Tool.builder().functionDeclarations(
        FunctionDeclaration.builder().name("weather").description("The weather in a city")
            .parameters(Schema.builder().type(Type.Known.OBJECT)
                .properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build()))
                .required(List.of("city")).build())
            .build()).build()).build();
    try (Client c = client()) {
      List<Content> history = new ArrayList<>();
      history.add(Content.builder().role("user").parts(Part.fromText("use tools please")).build());
      Turn first = turn(c, model, history, config, stream);
      assertThat(first.calls()).as("the model calls the declared function").isNotEmpty();
      FunctionCall call = first.calls().getFirst();
      assertThat(call.name()).hasValue("weather");
      assertThat(call.args().orElseThrow()).containsEntry("city", "Paris");
      assertThat(first.last().finishReason().toString()).isEqualTo("STOP");

      history.add(first.modelTurn());
      List<Part> responses = new ArrayList<>();
      for (FunctionCall fc : first.calls()) {
        FunctionResponse.Builder r = FunctionResponse.builder().name(fc.name().orElseThrow())
            .response(Map.of("output", "sunny, 21C"));
        fc.id().ifPresent(r::id);
        responses.add(Part.builder().functionResponse(r.build()).build());
      }
      history.add(Content.builder().role("user").parts(responses).build());
      Turn second = turn(c, model, history, config, stream);
      assertThat(second.text()).startsWith("tool said: sunny, 21C");
      assertThat(second.calls()).isEmpty();
      assertThat(resultAsTheUpstreamSawIt(model)).as("the function response, in the upstream's own dialect")
          .contains("sunny, 21C");
    }
  }

  /** The last request's function result as its upstream received it. */
  static String resultAsTheUpstreamSawIt(String model) {
    return switch (model) {
      case "on-openai" -> {
        JsonNode last = openai.last().json().path("messages").path(openai.last().json().path("messages").size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("tool");
        assertThat(last.path("tool_call_id").asText()).isEqualTo(FakeOpenAI.CALL_ID);
        yield last.path("content").asText();
      }
      case "on-anthropic" -> {
        JsonNode messages = claude.last().json().path("messages");
        JsonNode block = messages.path(messages.size() - 1).path("content").path(0);
        assertThat(block.path("type").asText()).isEqualTo("tool_result");
        yield block.path("content").toString();
      }
      case "on-codex" -> {
        JsonNode input = h.backend.last().body().path("input");
        JsonNode output = null;
        for (JsonNode item : input) {
          if ("function_call_output".equals(item.path("type").asText())) {
            output = item;
          }
        }
        assertThat(output).isNotNull();
        yield output.path("output").toString();
      }
      default -> {
        FakeGemini.Seen seen = google.seen.getLast();
        JsonNode contents = seen.json().path("contents");
        JsonNode modelTurn = contents.path(contents.size() - 2);
        assertThat(modelTurn.path("parts").path(0).path("thoughtSignature").asText())
            .as("Gemini 3's signature came back on its call").isNotEmpty();
        yield contents.path(contents.size() - 1).path("parts").path(0).path("functionResponse").toString();
      }
    };
  }

  /** One answer: every response (one when not streamed), its text, calls and the model turn they make. */
  record Turn(List<GenerateContentResponse> responses) {
    GenerateContentResponse last() {
      return responses.getLast();
    }

    List<Part> parts() {
      List<Part> parts = new ArrayList<>();
      for (GenerateContentResponse r : responses) {
        r.candidates().flatMap(cs -> cs.stream().findFirst()).flatMap(Candidate::content)
            .flatMap(Content::parts).ifPresent(parts::addAll);
      }
      return parts;
    }

    String text() {
      StringBuilder sb = new StringBuilder();
      for (Part p : parts()) {
        if (!p.thought().orElse(false)) {
          p.text().ifPresent(sb::append);
        }
      }
      return sb.toString();
    }

    List<FunctionCall> calls() {
      return parts().stream().flatMap(p -> p.functionCall().stream()).toList();
    }

    /** The model's turn as a client sends it back: every part as it came (signatures included). */
    Content modelTurn() {
      return Content.builder().role("model").parts(parts()).build();
    }
  }

  static Turn turn(Client c, String model, List<Content> contents, GenerateContentConfig config, boolean stream) {
    if (!stream) {
      return new Turn(List.of(c.models.generateContent(model, contents, config)));
    }
    List<GenerateContentResponse> all = new ArrayList<>();
    try (ResponseStream<GenerateContentResponse> s = c.models.generateContentStream(model, contents, config)) {
      s.forEach(all::add);
    }
    return new Turn(all);
  }
}
