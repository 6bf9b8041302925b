package dev.sluice.dialect.openai.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.ApiError;
import dev.sluice.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden files under src/test/resources/golden. Expected files are regenerated only with
 * {@code -Dgolden.update=true} (then review the diff before committing).
 */
public final class Golden {
  public static final Path ROOT = Path.of("src/test/resources/golden");
  public static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private Golden() {
  }

  public static List<Path> cases(String dir, String suffix) {
    try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(Path p) {
    try {
      return Json.MAPPER.readTree(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Path p, JsonNode node) {
    try {
      String text = Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
      Files.writeString(p, text + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode error(ApiError e) {
    ObjectNode n = Json.object();
    n.put("status", e.status());
    n.put("type", e.type());
    n.put("code", e.code());
    n.put("param", e.param());
    n.put("message", e.message());
    return n;
  }

  public static String name(Path p) {
    String n = p.getFileName().toString();
    return n.substring(0, n.indexOf('.'));
  }
}
