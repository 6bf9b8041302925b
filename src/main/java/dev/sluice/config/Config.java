package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The merged configuration tree: built-in defaults, then the YAML file, then environment variables
 * ({@code SLUICE_UPSTREAM_BASE_URL} sets {@code upstream.base_url}). Typed getters fail with a
 * {@link ConfigException} naming the key. Feature packages read their own sections.
 */
public final class Config {
  public static final String ENV_PREFIX = "SLUICE_";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Top-level sections whose keys are names the user chooses, validated by their own readers. */
  private static final Set<String> NAMED_SECTIONS = Set.of("upstreams", "models", "plans");

  private final ObjectNode root;
  private List<String> unknown = List.of();

  private Config(ObjectNode root) {
    this.root = root;
  }

  /** Defaults only (plus environment). */
  public static Config defaults(Map<String, String> env) {
    return load(null, env);
  }

  /** Loads defaults, the optional file, then the environment overrides. */
  public static Config load(Path file, Map<String, String> env) {
    ObjectNode tree = readDefaults();
    List<String> unknown = List.of();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("--config", "file not found: " + file);
      }
      JsonNode user;
      try {
        user = YAML.readTree(file.toFile());
      } catch (IOException e) {
        throw new ConfigException("--config", "cannot parse " + file + ": " + firstLine(e.getMessage()));
      }
      if (user != null && !user.isMissingNode() && !user.isNull()) {
        if (!user.isObject()) {
          throw new ConfigException("--config", "the file must hold a YAML mapping");
        }
        unknown = unknownSettings(tree, (ObjectNode) user, "");
        merge(tree, (ObjectNode) user, "");
      }
    }
    applyEnv(tree, "", env);
    expandVariables(tree, "", env);
    Config c = new Config(tree);
    c.unknown = unknown;
    return c;
  }

  /**
   * The settings of the file that are none of Sluice's (a misspelt or invented key, e.g. {@code
   * admin.key} for {@code auth.admin_api_key}): ignored, and named at start-up so that a mistake is
   * not silent. Sections whose keys are names ({@code upstreams}, {@code plans}) and lists
   * ({@code models}) are checked where they are read, which refuses what it does not know.
   */
  public List<String> unknownSettings() {
    return unknown;
  }

  private static List<String> unknownSettings(ObjectNode defaults, ObjectNode user, String prefix) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = user.fields(); it.hasNext(); ) {
      var e = it.next();
      String path = prefix + e.getKey();
      JsonNode known = defaults.get(e.getKey());
      if (known == null) {
        if (!(prefix.isEmpty() && NAMED_SECTIONS.contains(e.getKey()))) {
          out.add(path);
        }
      } else if (known instanceof ObjectNode k && e.getValue() instanceof ObjectNode u && !NAMED_SECTIONS.contains(path)) {
        out.addAll(unknownSettings(k, u, path + "."));
      }
    }
    return out;
  }

  /** Builds a config from a YAML string over the defaults (tests). */
  public static Config fromYaml(String yaml, Map<String, String> env) {
    return fromYaml(env, yaml);
  }

  /** Builds a config from YAML documents merged in order over the defaults (tests). */
  public static Config fromYaml(Map<String, String> env, String... yamls) {
    ObjectNode tree = readDefaults();
    for (String yaml : yamls) {
      try {
        JsonNode user = YAML.readTree(yaml);
        if (user instanceof ObjectNode o) {
          merge(tree, o, "");
        }
      } catch (IOException e) {
        throw new ConfigException("yaml", firstLine(e.getMessage()));
      }
    }
    applyEnv(tree, "", env);
    expandVariables(tree, "", env);
    return new Config(tree);
  }

  private static ObjectNode readDefaults() {
    try (InputStream in = Config.class.getResourceAsStream("/sluice-defaults.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("built-in defaults unreadable", e);
    }
  }

  private static void merge(ObjectNode into, ObjectNode from, String prefix) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode fo) {
        merge(eo, fo, prefix + e.getKey() + ".");
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }

  private static void applyEnv(ObjectNode node, String prefix, Map<String, String> env) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      String key = prefix + e.getKey();
      if (e.getValue() instanceof ObjectNode child) {
        applyEnv(child, key + ".", env);
        continue;
      }
      String value = env.get(envName(key));
      if (value == null) {
        continue;
      }
      if (e.getValue().isArray()) {
        var arr = JsonNodeFactory.instance.arrayNode();
        for (String part : value.split(",")) {
          if (!part.isBlank()) {
            arr.add(part.trim());
          }
        }
        e.setValue(arr);
      } else {
        e.setValue(TextNode.valueOf(value));
      }
    }
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  /**
   * Replaces {@code ${VAR}} in every text value with the environment's value, so secrets stay out of
   * the file ({@code api_key: "${OPENAI_API_KEY}"}). An unset variable stops start-up naming the key.
   */
  private static void expandVariables(JsonNode node, String path, Map<String, String> env) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        var e = it.next();
        String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(expand(e.getValue().asText(), key, env)));
        } else {
          expandVariables(e.getValue(), key, env);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        String key = path + "[" + i + "]";
        if (a.get(i).isTextual()) {
          a.set(i, TextNode.valueOf(expand(a.get(i).asText(), key, env)));
        } else {
          expandVariables(a.get(i), key, env);
        }
      }
    }
  }

  private static String expand(String value, String key, Map<String, String> env) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    Matcher m = VARIABLE.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null) {
        throw new ConfigException(key, "refers to ${" + m.group(1) + "}, which is not set in the environment");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** {@code upstream.base_url} → {@code SLUICE_UPSTREAM_BASE_URL}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The node at a dotted key, or a missing node. */
  public JsonNode node(String key) {
    JsonNode n = root;
    for (String part : key.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }

  public String string(String key) {
    JsonNode n = node(key);
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    if (!n.isValueNode()) {
      throw new ConfigException(key, "expected a text value");
    }
    return n.asText().trim();
  }

  public String requireString(String key) {
    String s = string(key);
    if (s.isEmpty()) {
      throw new ConfigException(key, "is required (set it in the config file or " + envName(key) + ")");
    }
    return s;
  }

  public int integer(String key, int min, int max) {
    return (int) longValue(key, min, max);
  }

  public long longValue(String key, long min, long max) {
    String s = string(key);
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected a whole number, got '" + s + "'");
    }
    if (v < min || v > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  public boolean bool(String key) {
    String s = string(key).toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0", "" -> false;
      default -> throw new ConfigException(key, "expected true or false, got '" + s + "'");
    };
  }

  /** One of the allowed values (case-insensitive), returned in lower case. */
  public String oneOf(String key, String... allowed) {
    String s = string(key).toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got '" + s + "'");
  }

  public List<String> stringList(String key) {
    JsonNode n = node(key);
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else if (n.isValueNode() && !n.asText().isBlank()) {
      for (String part : n.asText().split(",")) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** An absolute http(s) URL without a trailing slash. */
  public String url(String key) {
    String s = requireString(key);
    java.net.URI uri;
    try {
      uri = java.net.URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "not a valid URL: '" + s + "'");
    }
    if (uri.getScheme() == null || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new ConfigException(key, "expected an absolute http(s) URL, got '" + s + "'");
    }
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

}
