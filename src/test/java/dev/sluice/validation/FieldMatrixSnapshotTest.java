package dev.sluice.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.json.Json;
import dev.sluice.api.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pin: the validator's field matrix and the checked-in description of the openai-python
 * request surface must agree both ways, and the documentation must show the current matrix. Moving
 * the pin (a new spec directory) or changing a rule alone fails here until both are reconciled.
 */
class FieldMatrixSnapshotTest {
  static final Map<Endpoint, String> SPEC_FILES = Map.of(
      Endpoint.CHAT_COMPLETIONS, "chat_completions.json",
      Endpoint.COMPLETIONS, "completions.json",
      Endpoint.EMBEDDINGS, "embeddings.json",
      Endpoint.IMAGES_GENERATIONS, "images_generations.json",
      Endpoint.RESPONSES, "responses.json");

  private final FieldMatrix matrix = RequestValidator.openai().matrix();

  @Test
  void thePinIsOpenaiPython1_109_1() {
    assertThat(matrix.sdk()).isEqualTo("openai-python");
    assertThat(matrix.version()).isEqualTo("1.109.1");
  }

  @ParameterizedTest
  @EnumSource(value = Endpoint.class, names = {"MODELS", "MESSAGES", "COUNT_TOKENS", "GENERATE_CONTENT",
      "STREAM_GENERATE_CONTENT", "GEMINI_COUNT_TOKENS"}, mode = EnumSource.Mode.EXCLUDE)
  void specFileBelongsToThePinnedVersion(Endpoint endpoint) {
    JsonNode spec = spec(endpoint);
    assertThat(spec.path("sdk").asText()).isEqualTo(matrix.sdk());
    assertThat(spec.path("version").asText()).isEqualTo(matrix.version());
    assertThat(spec.path("endpoint").asText()).isEqualTo(endpoint.path());
  }

  @ParameterizedTest
  @EnumSource(value = Endpoint.class, names = {"MODELS", "MESSAGES", "COUNT_TOKENS", "GENERATE_CONTENT",
      "STREAM_GENERATE_CONTENT", "GEMINI_COUNT_TOKENS"}, mode = EnumSource.Mode.EXCLUDE)
  void everyValidatedFieldMatchesTheSdk(Endpoint endpoint) {
    Map<String, JsonNode> spec = specFields(endpoint);
    List<String> problems = new ArrayList<>();
    for (FieldEntry e : matrix.fields(endpoint)) {
      JsonNode s = spec.get(e.path());
      if (s == null) {
        problems.add(e.path() + ": validated but not in the SDK description");
        continue;
      }
      compare(problems, e.path(), "types", new TreeSet<>(e.types()), strings(s, "types"));
      compare(problems, e.path(), "required", e.required(), s.path("required").asBoolean(false));
      compare(problems, e.path(), "nullable", e.nullable(), s.path("nullable").asBoolean(false));
      Set<String> all = new TreeSet<>(e.literals());
      all.addAll(e.rejectedLiterals());
      compare(problems, e.path(), "literals (accepted + rejected)", all, strings(s, "literals"));
      Set<String> both = new HashSet<>(e.literals());
      both.retainAll(e.rejectedLiterals());
      compare(problems, e.path(), "literals both accepted and rejected", both, Set.of());
      compare(problems, e.path(), "discriminator", e.discriminator(),
          s.hasNonNull("discriminator") ? s.get("discriminator").asText() : null);
      compare(problems, e.path(), "variants", new TreeSet<>(e.variants()), strings(s, "variants"));
      compare(problems, e.path(), "opaque", e.opaque(), s.path("opaque").asBoolean(false));
    }
    assertThat(problems).as("matrix vs spec/openai-python-%s/%s", matrix.version(), SPEC_FILES.get(endpoint))
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Endpoint.class, names = {"MODELS", "MESSAGES", "COUNT_TOKENS", "GENERATE_CONTENT",
      "STREAM_GENERATE_CONTENT", "GEMINI_COUNT_TOKENS"}, mode = EnumSource.Mode.EXCLUDE)
  void everySdkFieldIsValidatedOrExplicitlyPassedThrough(Endpoint endpoint) {
    Set<String> validated = new HashSet<>();
    matrix.fields(endpoint).forEach(e -> validated.add(e.path()));
    List<String> pass = matrix.passThrough(endpoint);
    List<String> unaccounted = specFields(endpoint).keySet().stream()
        .filter(p -> !validated.contains(p) && pass.stream().noneMatch(pt -> covers(pt, p)))
        .toList();
    assertThat(unaccounted).as("SDK fields neither validated nor listed as pass-through").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Endpoint.class, names = {"MODELS", "MESSAGES", "COUNT_TOKENS", "GENERATE_CONTENT",
      "STREAM_GENERATE_CONTENT", "GEMINI_COUNT_TOKENS"}, mode = EnumSource.Mode.EXCLUDE)
  void passThroughPathsAreSdkFieldsThatAreNotValidated(Endpoint endpoint) {
    Map<String, JsonNode> spec = specFields(endpoint);
    Set<String> validated = new HashSet<>();
    matrix.fields(endpoint).forEach(e -> validated.add(e.path()));
    for (String p : matrix.passThrough(endpoint)) {
      assertThat(spec).as("pass-through path %s", p).containsKey(p);
      assertThat(validated).as("pass-through path %s", p).noneMatch(v -> covers(p, v));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Endpoint.class, names = {"MODELS", "MESSAGES", "COUNT_TOKENS", "GENERATE_CONTENT",
      "STREAM_GENERATE_CONTENT", "GEMINI_COUNT_TOKENS"}, mode = EnumSource.Mode.EXCLUDE)
  void pathsAreUnique(Endpoint endpoint) {
    List<String> paths = matrix.fields(endpoint).stream().map(FieldEntry::path).toList();
    assertThat(paths).doesNotHaveDuplicates();
    List<String> specPaths = new ArrayList<>();
    spec(endpoint).path("fields").forEach(f -> specPaths.add(f.path("path").asText()));
    assertThat(specPaths).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(value = Endpoint.class, names = {"MODELS", "MESSAGES", "COUNT_TOKENS", "GENERATE_CONTENT",
      "STREAM_GENERATE_CONTENT", "GEMINI_COUNT_TOKENS"}, mode = EnumSource.Mode.EXCLUDE)
  void documentationShowsTheCurrentMatrix(Endpoint endpoint) {
    String doc = ValidationDocTest.doc();
    String begin = "<!-- matrix:" + endpoint.path() + " -->\n";
    String end = "<!-- /matrix -->";
    int from = doc.indexOf(begin);
    assertThat(from).as("marker %s in docs/validation.md", begin.strip()).isNotNegative();
    int to = doc.indexOf(end, from);
    String shown = doc.substring(from + begin.length(), to);
    assertThat(shown).as("docs/validation.md table for %s (regenerate from the matrix)", endpoint.path())
        .isEqualTo(MatrixTable.render(matrix, endpoint));
  }

  static boolean covers(String prefix, String path) {
    if (!path.startsWith(prefix)) {
      return false;
    }
    if (path.length() == prefix.length()) {
      return true;
    }
    char next = path.charAt(prefix.length());
    return next == '.' || next == '[' || next == '{';
  }

  private static <T> void compare(List<String> problems, String path, String what, T matrix, T spec) {
    if (!java.util.Objects.equals(matrix, spec)) {
      problems.add(path + ": " + what + " differ: validator " + matrix + ", SDK " + spec);
    }
  }

  private static Set<String> strings(JsonNode node, String field) {
    Set<String> out = new TreeSet<>();
    node.path(field).forEach(v -> out.add(v.asText()));
    return out;
  }

  static JsonNode spec(Endpoint endpoint) {
    String resource = "/spec/openai-python-" + RequestValidator.openai().matrix().version() + "/"
        + SPEC_FILES.get(endpoint);
    try (InputStream in = FieldMatrixSnapshotTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("spec resource %s", resource).isNotNull();
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, JsonNode> specFields(Endpoint endpoint) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    spec(endpoint).path("fields").forEach(f -> out.put(f.path("path").asText(), f));
    return out;
  }
}
