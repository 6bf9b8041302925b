package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Wiring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir
  Path dir;

  @Test
  void codexGatewayConfigIsAcceptedUnchanged() throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, """
        server:
          listen: ":8080"
        network:
          proxy_url: ""
        auth:
          downstream_api_key: "replace-with-your-fixed-key"
        logging:
          level: "info"
          format: "text"
          output: "both"
          color: "always"
          file:
            dir: ""
            name: "codex-gateway.log"
            max_size_mb: 100
        oauth:
          client_id: "app_EMoamEEZ73f0CkXaXp7hrann"
          client_secret: ""
          authorize_endpoint: "https://auth.openai.com/oauth/authorize"
          token_endpoint: "https://auth.openai.com/oauth/token"
          redirect_host: "localhost"
          redirect_port: 1455
          redirect_path: "/auth/callback"
          originator: "opencode"
          scopes: ["openid", "profile", "email", "offline_access"]
          audience: ""
        upstream:
          mode: "codex_oauth"
          base_url: "https://api.openai.com"
          codex_base_url: "https://chatgpt.com"
          codex_responses_path: "/backend-api/codex/responses"
          models_path: "/v1/models"
          chat_completions_path: "/v1/chat/completions"
          responses_path: "/v1/responses"
          timeout_seconds: 60
        """);
    Config c = Config.load(f, Map.of());
    assertThat(Wiring.listen(c)).isEqualTo(new Wiring.HostPort("0.0.0.0", 8080));
    assertThat(c.string("auth.downstream_api_key")).isEqualTo("replace-with-your-fixed-key");
    assertThat(c.oneOf("upstream.mode", "codex_oauth", "openai_api")).isEqualTo("codex_oauth");
    assertThat(c.integer("upstream.timeout_seconds", 1, 3600)).isEqualTo(60);
    assertThat(c.stringList("oauth.scopes")).containsExactly("openid", "profile", "email", "offline_access");
    // Sluice does not rotate its log: the one setting of that file it ignores is named at start-up
    assertThat(c.unknownSettings()).containsExactly("logging.file.max_size_mb");
  }

  @Test
  void settingsSluiceDoesNotKnowAreNamed() throws Exception {
    Path f = dir.resolve("sluice.yaml");
    Files.writeString(f, """
        admin:
          key: "misplaced"
        auth:
          admin_api_key: "right"
          admin_key: "misspelt"
        logging:
          levle: debug
        plans:
          team: { chat_rpm: 5 }
        upstreams:
          openai: { type: openai, base_url: "http://127.0.0.1:1", api_key: "k" }
        models:
          - { name: "*", targets: [openai] }
        """);
    Config c = Config.load(f, Map.of());
    assertThat(c.unknownSettings()).containsExactly("admin", "auth.admin_key", "logging.levle");
    assertThat(c.string("auth.admin_api_key")).isEqualTo("right");
  }

  @Test
  void environmentOverridesFileAndDefaults() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "upstream:\n  base_url: http://file\n");
    Config c = Config.load(f, Map.of(
        "SLUICE_UPSTREAM_BASE_URL", "http://env:9000/",
        "SLUICE_SERVER_LISTEN", "127.0.0.1:9999",
        "SLUICE_OAUTH_SCOPES", "openid, email"));
    assertThat(c.url("upstream.base_url")).isEqualTo("http://env:9000");
    assertThat(Wiring.listen(c)).isEqualTo(new Wiring.HostPort("127.0.0.1", 9999));
    assertThat(c.stringList("oauth.scopes")).containsExactly("openid", "email");
    assertThat(Config.envName("upstream.codex_responses_path")).isEqualTo("SLUICE_UPSTREAM_CODEX_RESPONSES_PATH");
  }

  @Test
  void wrongValuesNameTheirKey() {
    assertThatThrownBy(() -> Wiring.start(Config.fromYaml("upstream:\n  mode: magic\n", Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.mode:").hasMessageContaining("magic");
    assertThatThrownBy(() -> Wiring.start(Config.fromYaml("upstream:\n  mode: openai_api\n", Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.base_url:")
        .hasMessageContaining("SLUICE_UPSTREAM_BASE_URL");
    assertThatThrownBy(() -> Wiring.start(Config.fromYaml("server:\n  listen: nowhere\n", Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("server.listen:");
    assertThatThrownBy(() -> Wiring.start(Config.fromYaml("", Map.of("SLUICE_UPSTREAM_TIMEOUT_SECONDS", "soon"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.timeout_seconds:");
    assertThatThrownBy(() -> Config.load(dir.resolve("missing.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml");
  }

  @Test
  void brokenYamlIsReported() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "server: [unclosed\n");
    assertThatThrownBy(() -> Config.load(f, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot parse");
  }
}
