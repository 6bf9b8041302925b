package dev.sluice.dialect.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;

class ResponsesStreamAssemblerTest {

  @Test
  void aStreamThatEndsWithoutCompletionIsA502() throws Exception {
    var a = new ResponsesStreamAssembler();
    a.onEvent(Json.parse("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"}}"));
    assertThat(a.finished()).isFalse();
    assertThatThrownBy(a::response).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.error().status()).isEqualTo(502);
      assertThat(e.error().code()).isEqualTo("upstream_error");
    });
  }

  @Test
  void aNonEmptyFinalOutputIsKeptAsSent() throws Exception {
    var a = new ResponsesStreamAssembler();
    a.onEvent(Json.parse("{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"x\",\"type\":\"message\"}}"));
    a.onEvent(Json.parse("{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"output\":[{\"id\":\"y\"}]}}"));
    assertThat(a.response().path("output")).isEqualTo(Json.parse("[{\"id\":\"y\"}]"));
  }

  @Test
  void errorCodesMapToStatuses() {
    assertThat(ResponsesErrors.fromCode("rate_limit_exceeded", "m", null).status()).isEqualTo(429);
    assertThat(ResponsesErrors.fromCode("usage_limit_reached", "m", null).type()).isEqualTo("rate_limit_error");
    assertThat(ResponsesErrors.fromCode("context_length_exceeded", "m", "input").status()).isEqualTo(400);
    assertThat(ResponsesErrors.fromCode("invalid_base64_image", "m", null).status()).isEqualTo(400);
    assertThat(ResponsesErrors.fromCode("server_error", "m", null).status()).isEqualTo(502);
    assertThat(ResponsesErrors.fromCode(null, "m", null).code()).isEqualTo("upstream_error");
  }
}
