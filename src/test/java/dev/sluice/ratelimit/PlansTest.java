package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.api.EndpointClass;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlansTest {
  private static Plans parse(String yaml) {
    return Plans.fromConfig(Config.fromYaml(yaml, Map.of()));
  }

  @Test
  void shippedPlansFollowTheSeedTable() {
    Plans plans = Plans.fromConfig(Config.defaults(Map.of()));
    assertThat(plans.all()).extracting(Plan::name).containsExactly("free", "standard", "pro");
    assertThat(plans.get("free")).contains(Plan.of("free", 10, 5, 20, 20_000));
    assertThat(plans.get("standard")).contains(Plan.of("standard", 60, 20, 120, 200_000));
    assertThat(plans.get("pro")).contains(Plan.of("pro", 300, 60, 600, 1_000_000));
  }

  @Test
  void configAddsAndOverridesPlans() {
    Plans plans = parse("""
        plans:
          free: {chat_rpm: 3}
          Gold: {chat_rpm: 1000, images_rpm: 100, embeddings_rpm: 2000, tpm: "5_000_000"}
        """);
    Plan gold = plans.get("gold").orElseThrow();
    assertThat(gold.rpm(EndpointClass.CHAT)).isEqualTo(1000);
    assertThat(gold.rpm(EndpointClass.IMAGES)).isEqualTo(100);
    assertThat(gold.rpm(EndpointClass.EMBEDDINGS)).isEqualTo(2000);
    assertThat(gold.rpm(EndpointClass.NONE)).isZero();
    assertThat(gold.tokensPerMinute()).isEqualTo(5_000_000);
    assertThat(plans.get("free").orElseThrow().rpm(EndpointClass.CHAT)).isEqualTo(3);
    assertThat(plans.get("free").orElseThrow().rpm(EndpointClass.IMAGES)).isEqualTo(5);
  }

  @Test
  void environmentOverridesAPlanValue() {
    Plans plans = Plans.fromConfig(Config.defaults(Map.of("SLUICE_PLANS_PRO_TPM", "42")));
    assertThat(plans.get("pro").orElseThrow().tokensPerMinute()).isEqualTo(42);
  }

  @Test
  void lookupIgnoresCaseAndTreatsBlankAsNoPlan() {
    Plans plans = Plans.fromConfig(Config.defaults(Map.of()));
    assertThat(plans.get("PRO")).isPresent();
    assertThat(plans.get(null)).isEmpty();
    assertThat(plans.get("")).isEmpty();
    assertThat(plans.get("gold")).isEmpty();
    plans.requireKnown(null);
    plans.requireKnown("Standard");
    assertThatThrownBy(() -> plans.requireKnown("gold"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown plan 'gold' (configured plans: free, standard, pro)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "free: {chat_rpm: 0}                       | plans.free.chat_rpm: must be >= 1, got 0",
      "free: {images_rpm: -5}                    | plans.free.images_rpm: must be >= 1, got -5",
      "free: {tpm: 30000001}                     | plans.free.tpm: must be <= 30000000, got 30000001",
      "free: {embeddings_rpm: lots}              | plans.free.embeddings_rpm: expected a whole number, got 'lots'",
      "free: {chat_rpm: 2.5}                     | plans.free.chat_rpm: expected a whole number, got '2.5'",
      "free: {chat_rpm: [1]}                     | plans.free.chat_rpm: expected a whole number",
      "free: {chat_rmp: 10}                      | plans.free.chat_rmp: unknown setting (expected one of chat_rpm, images_rpm, embeddings_rpm, tpm)",
      "gold: {chat_rpm: 1, images_rpm: 1, embeddings_rpm: 1} | plans.gold.tpm: is required",
      "gold: 5                                   | plans.gold: expected a mapping with chat_rpm, images_rpm, embeddings_rpm, tpm",
      "'gold plan': {chat_rpm: 1}                | plans.gold plan: plan names use letters, digits, '_' and '-' (at most 64)",
      "FREE: {chat_rpm: 1}                       | plans.FREE: plan 'free' is defined twice (names ignore case)",
  })
  void errorsNameTheKey(String plansBody, String message) {
    assertThatThrownBy(() -> parse("plans:\n  " + plansBody + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void sectionMustBeAMapping() {
    assertThatThrownBy(() -> parse("plans: 5\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("plans: expected a mapping of plan name to limits");
  }

  @Test
  void anEmptySectionHasNoPlans() {
    assertThat(parse("plans: null\n").isEmpty()).isTrue();
  }

  @org.junit.jupiter.api.Test
  void theLargestAcceptedPlanCanBeEnforced() {
    long max = Plans.MAX_PER_MINUTE;
    Plans plans = parse("plans: {huge: {chat_rpm: %d, images_rpm: %d, embeddings_rpm: %d, tpm: %d}}"
        .formatted(max, max, max, max));
    InMemoryRateLimiter limiter = InMemoryRateLimiter.create(plans);
    var p = new dev.sluice.keys.Principal("k", "k", "huge", java.util.Set.of());
    for (dev.sluice.api.EndpointClass c : java.util.List.of(dev.sluice.api.EndpointClass.CHAT,
        dev.sluice.api.EndpointClass.IMAGES, dev.sluice.api.EndpointClass.EMBEDDINGS)) {
      org.assertj.core.api.Assertions.assertThat(limiter.admit(p, c).result().admitted()).isTrue();
    }
  }
}
