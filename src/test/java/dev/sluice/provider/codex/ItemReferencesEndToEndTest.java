package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Responses tool loop as the AI SDK runs it: the second step refers to the first step's output by
 * {@code item_reference}, which the backend (store:false) cannot resolve; Sluice sends the items.
 */
class ItemReferencesEndToEndTest {
  static CodexHarness h;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    h = new CodexHarness("acct-refs");
    client = CodexEndToEndTest.sdk(h);
  }

  @AfterAll
  static void stop() {
    client.close();
    h.close();
  }

  static ResponseInputItem userSays(String text) {
    return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
        .content(text).build());
  }

  static ResponseCreateParams.Builder step(List<ResponseInputItem> input) {
    return ResponseCreateParams.builder().model("gpt-5.3-codex").inputOfResponse(input)
        .reasoning(Reasoning.builder().effort(ReasoningEffort.LOW).build())
        .addTool(FunctionTool.builder().name("get_weather").strict(false).parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object")).build()).build());
  }

  static ResponseInputItem reference(String id) {
    return ResponseInputItem.ofItemReference(ResponseInputItem.ItemReference.builder().id(id)
        .type(ResponseInputItem.ItemReference.Type.ITEM_REFERENCE).build());
  }

  /** The backend got the referenced items themselves: the reasoning with its encrypted content, the call. */
  static void assertSentInFull(String reasoningId, ResponseFunctionToolCall call) {
    JsonNode input = h.backend.last().body().path("input");
    assertThat(h.backend.last().status()).isEqualTo(200);
    assertThat(input.path(1).path("type").asText()).isEqualTo("reasoning");
    assertThat(input.path(1).path("encrypted_content").asText()).isNotBlank();
    assertThat(input.path(1).has("id")).isFalse();
    assertThat(input.path(2).path("type").asText()).isEqualTo("function_call");
    assertThat(input.path(2).path("call_id").asText()).isEqualTo(call.callId());
    assertThat(input.path(2).path("arguments").asText()).isEqualTo(call.arguments());
    assertThat(input.path(3).path("type").asText()).isEqualTo("function_call_output");
    assertThat(h.backend.last().body().toString()).doesNotContain(reasoningId).doesNotContain("item_reference");
  }

  static List<ResponseInputItem> secondStep(String reasoningId, ResponseFunctionToolCall call) {
    return List.of(userSays("please use tools"), reference(reasoningId), reference(call.id().orElseThrow()),
        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId(call.callId())
            .output("sunny").build()));
  }

  @Test
  void referencesToAJsonAnswersItemsAreExpanded() {
    Response first = client.responses().create(step(List.of(userSays("please use tools"))).build());
    String reasoningId = first.output().get(0).asReasoning().id();
    ResponseFunctionToolCall call = first.output().get(1).asFunctionCall();

    Response second = client.responses().create(step(secondStep(reasoningId, call)).build());
    assertThat(second.output()).isNotEmpty();
    assertSentInFull(reasoningId, call);
  }

  @Test
  void referencesToAStreamedAnswersItemsAreExpanded() {
    String reasoningId = null;
    ResponseFunctionToolCall call = null;
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(
        step(List.of(userSays("please use tools"))).build())) {
      for (ResponseStreamEvent e : s.stream().filter(ResponseStreamEvent::isOutputItemDone).toList()) {
        var item = e.asOutputItemDone().item();
        if (item.isReasoning()) {
          reasoningId = item.asReasoning().id();
        } else if (call == null) {
          call = item.asFunctionCall();
        }
      }
    }
    assertThat(reasoningId).isNotNull();
    assertThat(call).isNotNull();

    Response second = client.responses().create(step(secondStep(reasoningId, call)).build());
    assertThat(second.output()).isNotEmpty();
    assertSentInFull(reasoningId, call);
  }

  @Test
  void anUnknownReferenceIsAClear400NamingIt() throws Exception {
    int sent = h.backend.requests().size();
    HttpResponse<String> r = h.post("/v1/responses", """
        {"model":"gpt-5.3-codex","input":[{"role":"user","content":"hi"},{"type":"item_reference","id":"rs_never_seen"}]}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode err = Json.parse(r.body()).path("error");
    assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(err.path("param").asText()).isEqualTo("input[1].id");
    assertThat(err.path("message").asText()).contains("'rs_never_seen'").contains("item_reference");
    assertThat(h.backend.requests()).hasSize(sent);
  }
}
