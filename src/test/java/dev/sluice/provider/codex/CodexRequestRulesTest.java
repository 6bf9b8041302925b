package dev.sluice.provider.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;

class CodexRequestRulesTest {

  static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.parse(s);
  }

  @Test
  void codexCliStyleBodyPassesUntouchedApartFromTheContract() throws Exception {
    ObjectNode cli = json("""
        {"model":"gpt-5.3-codex","input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"sys"}]},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}],
         "tools":[{"type":"namespace","name":"mcp","tools":[]},{"type":"custom","name":"apply_patch","format":{"type":"grammar"}},
          {"type":"web_search"}],
         "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"high","summary":"auto"},
         "include":["reasoning.encrypted_content"],"prompt_cache_key":"thread-1","client_metadata":{"x":"y"},
         "stream":true,"store":false,"text":{"verbosity":"low"}}""");
    ObjectNode out = CodexRequestRules.forBackend(cli);
    ObjectNode expected = cli.deepCopy();
    expected.put("instructions", CodexRequestRules.DEFAULT_INSTRUCTIONS);
    assertThat(out).isEqualTo(expected);
    assertThat(cli.has("instructions")).isFalse();
  }

  @Test
  void forcesStreamAndStoreAndStripsRejectedFields() throws Exception {
    ObjectNode out = CodexRequestRules.forBackend(json("""
        {"model":"m","instructions":"keep me","input":"hi","stream":false,"store":true,"max_output_tokens":5,
         "max_completion_tokens":5,"max_tokens":5,"temperature":0.1,"top_p":0.5,"metadata":{"a":"b"},
         "prompt_cache_retention":"24h","safety_identifier":"s","truncation":"auto","user":"u",
         "previous_response_id":"resp_1","service_tier":"priority"}"""));
    assertThat(out).isEqualTo(json("""
        {"model":"m","instructions":"keep me",
         "input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}],
         "include":["reasoning.encrypted_content"],"stream":true,"store":false,
         "previous_response_id":"resp_1","service_tier":"priority"}"""));
  }

  @Test
  void aStringInputBecomesOneUserMessageAndAnEmptyOneNoInput() throws Exception {
    assertThat(CodexRequestRules.forBackend(json("{\"input\":\"hello\"}")).get("input")).isEqualTo(Json.parse("""
        [{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}]"""));
    assertThat(CodexRequestRules.forBackend(json("{\"input\":\"\"}")).get("input")).isEqualTo(Json.parse("[]"));
  }

  @Test
  void encryptedReasoningIsAskedForOnceBesideTheClientsIncludes() throws Exception {
    assertThat(CodexRequestRules.forBackend(json("{\"include\":[\"message.output_text.logprobs\"]}")).get("include"))
        .isEqualTo(Json.parse("[\"message.output_text.logprobs\",\"reasoning.encrypted_content\"]"));
  }

  @Test
  void blankOrNullInstructionsGetTheDefault() throws Exception {
    assertThat(CodexRequestRules.forBackend(json("{\"instructions\":\"  \\n\"}")).path("instructions").asText())
        .isEqualTo("You are a helpful assistant.");
    assertThat(CodexRequestRules.forBackend(json("{\"instructions\":null}")).path("instructions").asText())
        .isEqualTo("You are a helpful assistant.");
  }

  @Test
  void sessionIdPrefersTheHeader() throws Exception {
    ObjectNode req = json("{\"prompt_cache_key\":\"k\",\"input\":\"hi\"}");
    assertThat(CodexRequestRules.sessionId(req, " 0199a-session ")).isEqualTo("0199a-session");
  }

  @Test
  void unusableHeaderFallsBackToTheRequest() throws Exception {
    ObjectNode req = json("{\"prompt_cache_key\":\"k\",\"input\":\"hi\"}");
    String fromKey = CodexRequestRules.sessionId(req, null);
    assertThat(CodexRequestRules.sessionId(req, "   ")).isEqualTo(fromKey);
    assertThat(CodexRequestRules.sessionId(req, "bad\nvalue")).isEqualTo(fromKey);
    assertThat(CodexRequestRules.sessionId(req, "x".repeat(129))).isEqualTo(fromKey);
  }

  @Test
  void sessionIdFromPromptCacheKeyIsStableUuidAndHidesTheKey() throws Exception {
    String a = CodexRequestRules.sessionId(json("{\"prompt_cache_key\":\"conv-1\",\"input\":\"one\"}"), null);
    String b = CodexRequestRules.sessionId(json("{\"prompt_cache_key\":\"conv-1\",\"input\":\"two\"}"), null);
    String c = CodexRequestRules.sessionId(json("{\"prompt_cache_key\":\"conv-2\",\"input\":\"one\"}"), null);
    assertThat(a).isEqualTo(b).isNotEqualTo(c).doesNotContain("conv");
    assertThat(java.util.UUID.fromString(a).toString()).isEqualTo(a);
  }

  @Test
  void sessionIdFromConversationStartSurvivesLaterTurnsAndTheDefaultInstructions() throws Exception {
    ObjectNode turn1 = json("""
        {"input":[{"type":"message","role":"developer","content":"d"},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"first"}]}]}""");
    ObjectNode turn2 = json("""
        {"input":[{"type":"message","role":"developer","content":"d"},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"first"}]},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"second"}]}]}""");
    ObjectNode other = json("""
        {"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"another"}]}]}""");
    String id = CodexRequestRules.sessionId(turn1, null);
    assertThat(CodexRequestRules.sessionId(turn2, null)).isEqualTo(id);
    assertThat(CodexRequestRules.sessionId(CodexRequestRules.forBackend(turn2), null)).isEqualTo(id);
    assertThat(CodexRequestRules.sessionId(other, null)).isNotEqualTo(id);
    ObjectNode withInstructions = turn1.deepCopy().put("instructions", "be brief");
    assertThat(CodexRequestRules.sessionId(withInstructions, null)).isNotEqualTo(id);
  }
}
