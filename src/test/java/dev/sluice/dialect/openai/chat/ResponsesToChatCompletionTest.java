package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;

class ResponsesToChatCompletionTest {

  @Test
  void citationsAreMappedWithOffsetsAcrossParts() throws Exception {
    JsonNode response = Json.parse("""
        {"id":"resp_a","created_at":10,"model":"m","status":"completed","output":[
          {"type":"web_search_call","id":"ws_1","status":"completed"},
          {"type":"message","role":"assistant","content":[
            {"type":"output_text","text":"Intro. ","annotations":[]},
            {"type":"output_text","text":"Fact [1]","annotations":[
              {"type":"url_citation","start_index":5,"end_index":8,"title":"T","url":"https://e.x"}]}]}],
         "usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}""");
    JsonNode msg = ResponsesToChatCompletion.fromResponse(response).at("/choices/0/message");
    assertThat(msg.path("content").asText()).isEqualTo("Intro. Fact [1]");
    assertThat(msg.path("annotations")).isEqualTo(Json.parse("""
        [{"type":"url_citation","url_citation":{"start_index":12,"end_index":15,"title":"T","url":"https://e.x"}}]"""));
  }

  @Test
  void emptyOutputGivesEmptyContent() throws Exception {
    JsonNode c = ResponsesToChatCompletion.fromResponse(Json.parse(
        "{\"id\":\"resp_b\",\"created_at\":1,\"model\":\"m\",\"status\":\"completed\",\"output\":[]}"));
    assertThat(c.at("/choices/0/message/content").asText()).isEmpty();
    assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(c.at("/usage/total_tokens").asLong()).isZero();
  }

  @Test
  void failedResponseThrows() throws Exception {
    JsonNode failed = Json.parse("{\"id\":\"resp_c\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}");
    assertThatThrownBy(() -> ResponsesToChatCompletion.fromResponse(failed))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().message()).isEqualTo("boom"));
  }
}
