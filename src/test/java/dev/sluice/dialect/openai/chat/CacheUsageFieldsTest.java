package dev.sluice.dialect.openai.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheUsageFieldsTest {
  static ObjectNode filled(String usage) throws Exception {
    ObjectNode u = (ObjectNode) Json.MAPPER.readTree(usage);
    CacheUsageFields.fill(u);
    return u;
  }

  @Test
  void readsEachUpstreamsCacheFigures() throws Exception {
    ObjectNode openai = filled("{\"prompt_tokens\":100,\"prompt_tokens_details\":{\"cached_tokens\":64}}");
    assertThat(openai.path("cache_read_input_tokens").asLong()).isEqualTo(64);
    assertThat(openai.path("cache_creation_input_tokens").asLong()).isZero();

    ObjectNode anthropic = filled("{\"prompt_tokens\":100,\"cache_read_input_tokens\":30,"
        + "\"cache_creation_input_tokens\":50}");
    assertThat(anthropic.path("cache_read_input_tokens").asLong()).isEqualTo(30);
    assertThat(anthropic.path("cache_creation_input_tokens").asLong()).isEqualTo(50);

    ObjectNode gemini = filled("{\"prompt_tokens\":100,\"cached_content_token_count\":12}");
    assertThat(gemini.path("cache_read_input_tokens").asLong()).isEqualTo(12);

    ObjectNode deepseek = filled("{\"prompt_tokens\":100,\"prompt_cache_hit_tokens\":7,\"prompt_cache_miss_tokens\":93}");
    assertThat(deepseek.path("cache_read_input_tokens").asLong()).isEqualTo(7);

    ObjectNode writes = filled("{\"prompt_tokens\":100,\"prompt_tokens_details\":{\"cached_tokens\":0,"
        + "\"cache_write_tokens\":40}}");
    assertThat(writes.path("cache_creation_input_tokens").asLong()).isEqualTo(40);

    ObjectNode noCache = filled("{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}");
    assertThat(noCache.path("cache_read_input_tokens").isIntegralNumber()).isTrue();
    assertThat(noCache.path("cache_read_input_tokens").asLong()).isZero();
    assertThat(noCache.path("cache_creation_input_tokens").asLong()).isZero();
  }

  @Test
  void bodiesAreEditedOnlyWhenThereIsSomethingToEdit() throws Exception {
    byte[] plain = "{\"id\":\"x\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThat(CacheUsageFields.body(plain)).isSameAs(plain);
    byte[] notJson = "oops".getBytes(StandardCharsets.UTF_8);
    assertThat(CacheUsageFields.body(notJson)).isSameAs(notJson);

    JsonNode edited = Json.MAPPER.readTree(CacheUsageFields.body(("{\"id\":\"x\",\"system_fingerprint\":\"fp_1\","
        + "\"usage\":{\"prompt_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":2}}}").getBytes(StandardCharsets.UTF_8)));
    assertThat(edited.has("system_fingerprint")).isFalse();
    assertThat(edited.path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(2);
    assertThat(edited.path("id").asText()).isEqualTo("x");
  }

  @Test
  void removesTheFingerprintFromChunkTextWhereverItStands() throws Exception {
    String first = "{\"system_fingerprint\":\"fp_a\",\"id\":\"c\"}";
    String middle = "{\"id\":\"c\", \"system_fingerprint\" : \"fp_\\\"b\\\"\", \"model\":\"m\"}";
    String last = "{\"id\":\"c\",\"system_fingerprint\":null}";
    String alone = "{\"system_fingerprint\":\"fp\"}";
    assertThat(Json.MAPPER.readTree(CacheUsageFields.withoutFingerprint(first))).isEqualTo(Json.MAPPER.readTree("{\"id\":\"c\"}"));
    assertThat(Json.MAPPER.readTree(CacheUsageFields.withoutFingerprint(middle)))
        .isEqualTo(Json.MAPPER.readTree("{\"id\":\"c\",\"model\":\"m\"}"));
    assertThat(Json.MAPPER.readTree(CacheUsageFields.withoutFingerprint(last))).isEqualTo(Json.MAPPER.readTree("{\"id\":\"c\"}"));
    assertThat(CacheUsageFields.withoutFingerprint(alone)).isEqualTo("{}");

    String inContent = "{\"delta\":{\"content\":\"the \\\"system_fingerprint\\\": \\\"x\\\" field\"}}";
    assertThat(CacheUsageFields.withoutFingerprint(inContent)).isSameAs(inContent);
    String none = "{\"id\":\"c\"}";
    assertThat(CacheUsageFields.withoutFingerprint(none)).isSameAs(none);
  }
  /** What the edit must equal: the body as a tree, the fingerprint removed and the usage filled. */
  private static JsonNode byTree(String body) throws Exception {
    ObjectNode o = (ObjectNode) Json.MAPPER.readTree(body);
    o.remove("system_fingerprint");
    if (o.get("usage") instanceof ObjectNode u) {
      CacheUsageFields.fill(u);
    }
    return Json.MAPPER.readTree(Json.write(o)); // numbers as parsed, as the edited body's are
  }

  @Test
  void theStreamingEditEqualsTheTreeEditWhereverTheMembersStand() throws Exception {
    String usage = "{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":4}}";
    String[] bodies = {
        "{\"id\":\"a\",\"system_fingerprint\":\"fp\",\"choices\":[{\"message\":{\"content\":\"usage }\"}}],\"usage\":" + usage + "}",
        "{\"usage\":" + usage + ",\"system_fingerprint\":null}",
        "{ \"system_fingerprint\" : \"f\\\"p\" , \"usage\" : { } , \"id\" : 1 }",
        "{\n  \"id\": \"x\",\n  \"usage\": {\"prompt_tokens\": 1, \"cache_read_input_tokens\": 5},\n  \"system_fingerprint\": \"y\"\n}",
        "{\"usage\":{\"cache_read_input_tokens\":1,\"cache_creation_input_tokens\":2},\"id\":\"z\"}",
        "{\"system_fingerprint\":\"only\"}",
        "{\"id\":\"n\",\"usage\":null}",
    };
    for (String b : bodies) {
      byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
      CacheUsageFields.Edited e = CacheUsageFields.edit(bytes);
      assertThat(Json.MAPPER.readTree(e.body())).as(b).isEqualTo(byTree(b));
      JsonNode u = Json.MAPPER.readTree(b).get("usage");
      assertThat(counts(e)).as(b).isEqualTo(u != null && u.isObject() ? counts(u) : null);

      // the same body read in place from the middle of a larger buffer (as the relay hands it over)
      byte[] framed = new byte[bytes.length + 11];
      Arrays.fill(framed, (byte) '#');
      System.arraycopy(bytes, 0, framed, 4, bytes.length);
      CacheUsageFields.Edited inPlace = CacheUsageFields.edit(framed, 4, bytes.length);
      byte[] got = inPlace.body() == framed ? bytes : inPlace.body();
      assertThat(new String(got, StandardCharsets.UTF_8)).as(b).isEqualTo(new String(e.body(), StandardCharsets.UTF_8));
      assertThat(counts(inPlace)).as(b).isEqualTo(counts(e));
      assertThat(inPlace.body() == framed).as(b + ": unchanged means the same array").isEqualTo(e.body() == bytes);
    }
    byte[] truncated = "{\"usage\":{\"prompt_tokens\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(CacheUsageFields.edit(truncated).body()).isSameAs(truncated);
  }

  /**
   * The byte walk and the streaming parser give the same body and usage for every body above, each
   * cut short at every byte, with each byte left out in turn, and with escapes and text after the
   * object: what the walk does not take as it expects goes to the parser.
   */
  @Test
  void theByteWalkAgreesWithTheParserOnWholeBrokenAndOddBodies() throws Exception {
    String usage = "{\"prompt_tokens\":9,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":4}}";
    String[] bodies = {
        "{\"id\":\"a\",\"system_fingerprint\":\"fp\",\"choices\":[{\"message\":{\"content\":\"usage }\"}}],\"usage\":" + usage + "}",
        "{ \"system_fingerprint\" : \"f\\\"p\" , \"usage\" : { } , \"id\" : -1.5e3 }",
        "{\"us\\u0061ge\":" + usage + ",\"system_fingerprint\":null}",
        "{\"usage\":" + usage + "} trailing",
        "{\"usage\":" + usage + ",\"usage\":{\"prompt_tokens\":1},\"system_fingerprint\":1,\"system_fingerprint\":2}",
        "{\"usage\":[1],\"n\":[true,false,null,{}],\"o\":{\"usage\":{}}}",
    };
    int checked = 0;
    for (String b : bodies) {
      byte[] whole = b.getBytes(StandardCharsets.UTF_8);
      for (int cut = 0; cut <= whole.length; cut++) {
        agree(Arrays.copyOf(whole, cut));
        byte[] without = new byte[whole.length - (cut < whole.length ? 1 : 0)];
        System.arraycopy(whole, 0, without, 0, Math.min(cut, without.length));
        if (cut < whole.length) {
          System.arraycopy(whole, cut + 1, without, cut, whole.length - cut - 1);
        }
        agree(without);
        checked += 2;
      }
    }
    assertThat(checked).isGreaterThan(1000);
  }

  private static void agree(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    CacheUsageFields.Edited walked = CacheUsageFields.edit(body, 0, body.length);
    CacheUsageFields.Edited parsed = CacheUsageFields.editByParser(body, 0, body.length);
    assertThat(new String(walked.body(), StandardCharsets.UTF_8)).as(text)
        .isEqualTo(new String(parsed.body(), StandardCharsets.UTF_8));
    assertThat(walked.body() == body).as(text + ": unchanged, same array").isEqualTo(parsed.body() == body);
    assertThat(counts(walked)).as(text).isEqualTo(counts(parsed));
  }

  /**
   * The counts an edit gives the relay (billed: prompt, completion, cached, reasoning; then the cache
   * fields' read and creation counts), from its figures or its tree alike; null when it has no usage.
   */
  static List<Long> counts(CacheUsageFields.Edited e) {
    UsageFigures f = e.figures();
    if (f == null) {
      return e.usage() == null ? null : counts(e.usage());
    }
    assertThat(e.usage()).as("figures or a tree, not both").isNull();
    return List.of(f.promptTokens(), f.completionTokens(), f.cachedTokens(), f.reasoningTokens(), f.cacheRead(),
        f.cacheCreation());
  }

  /**
   * {@link #counts(CacheUsageFields.Edited)} as the tree gives them: the billed ones as the usage
   * record reads them (named in full: this package has a {@code TokenUsage} of its own).
   */
  static List<Long> counts(JsonNode usage) {
    dev.sluice.usage.TokenUsage t = dev.sluice.usage.TokenUsage.fromOpenAi(usage);
    return List.of(t.promptTokens(), t.completionTokens(), t.cachedTokens(), t.reasoningTokens(),
        CacheUsageFields.cacheRead(usage), CacheUsageFields.cacheCreation(usage));
  }
}
