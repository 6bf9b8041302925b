package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures read off a usage object's bytes are the ones the tree gives, or the tree reads it. */
class UsageFiguresTest {
  /** Usage objects as upstreams send them: OpenAI, Responses-shaped, Anthropic-, DeepSeek- and Gemini-flavoured. */
  static final List<String> READ = List.of(
      "{}",
      "{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}",
      "{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,\"prompt_tokens_details\":{\"cached_tokens\":7,"
          + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":3,\"audio_tokens\":0,"
          + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}",
      "{\"input_tokens\":5,\"output_tokens\":6,\"input_tokens_details\":{\"cached_tokens\":2},"
          + "\"output_tokens_details\":{\"reasoning_tokens\":1}}",
      "{\"prompt_tokens\":5,\"input_tokens\":99,\"prompt_tokens_details\":{},\"input_tokens_details\":{\"cached_tokens\":4}}",
      "{\"prompt_tokens\":12,\"cache_read_input_tokens\":8,\"cache_creation_input_tokens\":3,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":1,\"cache_write_tokens\":2}}",
      "{\"prompt_tokens\":12,\"prompt_tokens_details\":{\"cache_creation_tokens\":5}}",
      "{\"prompt_tokens\":12,\"prompt_tokens_details\":{\"cache_write_tokens\":6,\"cache_creation_tokens\":5}}",
      "{\"prompt_tokens\":30,\"prompt_cache_hit_tokens\":20,\"prompt_cache_miss_tokens\":10}",
      "{\"prompt_tokens\":30,\"cached_content_token_count\":11}",
      "{\"prompt_tokens\":30,\"cachedContentTokenCount\":12,\"totalTokenCount\":40}",
      "{ \"prompt_tokens\" : -1 , \"completion_tokens\" : 0 , \"note\" : \"x\" , \"n\" : [1, {\"a\": null}] }",
      "{\"prompt_tokens\":999999999999999999,\"completion_tokens\":1,\"model\":\"gpt-4o\",\"x\":{\"y\":{\"z\":1.5}}}");

  /** Figures the walk leaves to the tree: not plain integers, named twice, details that are not objects. */
  static final List<String> LEFT = List.of(
      "{\"prompt_tokens\":\"9\"}",
      "{\"prompt_tokens\":9.0}",
      "{\"prompt_tokens\":1e2}",
      "{\"prompt_tokens\":null}",
      "{\"prompt_tokens\":true}",
      "{\"prompt_tokens\":1234567890123456789}",
      "{\"prompt_tokens\":1,\"prompt_tokens\":2}",
      "{\"prompt_tokens_details\":null}",
      "{\"prompt_tokens_details\":{\"cached_tokens\":1},\"prompt_tokens_details\":{\"cached_tokens\":2}}",
      "{\"prompt_tokens_details\":{\"cached_tokens\":\"4\"}}",
      "{\"completion_tokens_details\":{\"reasoning_tokens\":1,\"reasoning_tokens\":2}}",
      "{\"cache_read_input_tokens\":null,\"prompt_tokens_details\":{\"cached_tokens\":4}}",
      "{\"prompt_tokens\":1,}",
      "{\"pr\\u006fmpt_tokens\":1}");

  @Test
  void theWalkReadsWhatTheTreeReads() throws Exception {
    for (String u : READ) {
      UsageFigures f = read(u);
      assertThat(f).as(u).isNotNull();
      JsonNode tree = Json.parse(u);
      assertThat(List.of(f.promptTokens(), f.completionTokens(), f.cachedTokens(), f.reasoningTokens(), f.cacheRead(),
          f.cacheCreation())).as(u).isEqualTo(CacheUsageFieldsTest.counts(tree));
      assertThat(f.hasCacheRead()).as(u).isEqualTo(tree.has(CacheUsageFields.CACHE_READ));
      assertThat(f.hasCacheCreation()).as(u).isEqualTo(tree.has(CacheUsageFields.CACHE_CREATION));
      assertThat(f.isEmpty()).as(u).isEqualTo(tree.isEmpty());
    }
  }

  @Test
  void whatIsNotAPlainFigureIsLeftToTheTree() {
    for (String u : LEFT) {
      assertThat(read(u)).as(u).isNull();
    }
  }

  /** An edited body gives the same text and counts whether the walk or the tree read its usage. */
  @Test
  void anEditIsTheSameWhicheverReadTheUsage() throws Exception {
    for (String u : READ) {
      String body = "{\"id\":\"c\",\"system_fingerprint\":\"fp\",\"usage\":" + u + "}";
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      CacheUsageFields.Edited walked = CacheUsageFields.edit(b);
      CacheUsageFields.Edited parsed = CacheUsageFields.editByParser(b, 0, b.length);
      assertThat(walked.figures()).as(body).isNotNull();
      assertThat(parsed.figures()).as(body).isNull();
      assertThat(new String(walked.body(), StandardCharsets.UTF_8)).as(body)
          .isEqualTo(new String(parsed.body(), StandardCharsets.UTF_8));
      assertThat(CacheUsageFieldsTest.counts(walked)).as(body).isEqualTo(CacheUsageFieldsTest.counts(parsed));
    }
  }

  private static UsageFigures read(String usage) {
    byte[] b = usage.getBytes(StandardCharsets.UTF_8);
    return UsageFigures.read(b, 0, b.length);
  }
}
