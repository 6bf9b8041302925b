package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Endpoint;
import dev.sluice.config.Config;
import dev.sluice.provider.UpstreamSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type: gemini} under {@code upstreams:}. */
class GeminiUpstreamSpecTest {

  @Test
  void defaultsToGooglesApiAndServesChatResponsesAndGeminisOwnEndpoints() {
    Config cfg = Config.fromYaml(Map.of("GEMINI_API_KEY", "AIza-test"), """
        upstreams:
          gem: { type: gemini, api_key: "${GEMINI_API_KEY}" }
          local: { type: gemini, base_url: "http://127.0.0.1:9/", owned_by: "me" }
        """);
    Map<String, UpstreamSpec> specs = UpstreamSpec.fromConfig(cfg);
    UpstreamSpec gem = specs.get("gem");
    assertThat(gem.type()).isEqualTo(UpstreamSpec.Type.GEMINI);
    assertThat(gem.baseUrl()).isEqualTo("https://generativelanguage.googleapis.com");
    assertThat(gem.apiKey()).isEqualTo("AIza-test");
    assertThat(gem.ownedBy()).isEqualTo("google");
    assertThat(gem.endpoints()).containsExactlyInAnyOrder(Endpoint.MODELS, Endpoint.CHAT_COMPLETIONS,
        Endpoint.RESPONSES, Endpoint.GENERATE_CONTENT, Endpoint.STREAM_GENERATE_CONTENT, Endpoint.GEMINI_COUNT_TOKENS);
    assertThat(specs.get("local").baseUrl()).isEqualTo("http://127.0.0.1:9");
    assertThat(specs.get("local").ownedBy()).isEqualTo("me");
  }
}
