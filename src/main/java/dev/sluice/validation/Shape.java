package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one object kind, in matrix order, or a union of kinds told apart by a
 * discriminator field ({@code role}, {@code type}). Fields not named here pass through untouched.
 */
final class Shape {
  private final List<String> names = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private final List<String> passThrough = new ArrayList<>();
  private String discriminator;
  private String discriminatorAnchor;
  private final Map<String, Shape> variants = new LinkedHashMap<>();
  private final Map<String, Shape> extensions = new LinkedHashMap<>();
  private String[] nameArray = new String[0];
  private Rule[] ruleArray = new Rule[0];

  static Shape fields() {
    return new Shape();
  }

  static Shape union(String discriminator, String anchor) {
    Shape s = new Shape();
    s.discriminator = discriminator;
    s.discriminatorAnchor = anchor;
    return s;
  }

  Shape field(String name, Rule rule) {
    names.add(name);
    rules.add(rule);
    nameArray = names.toArray(String[]::new);
    ruleArray = rules.toArray(Rule[]::new);
    return this;
  }

  /** A field the pinned SDK defines that the gateway forwards without checking. */
  Shape passThrough(String... fieldNames) {
    Collections.addAll(passThrough, fieldNames);
    return this;
  }

  Shape variant(String value, Shape shape) {
    variants.put(value, shape);
    return this;
  }

  /**
   * A variant the gateway accepts beyond the pinned SDK (e.g. the built-in {@code web_search} tool
   * that the Codex backend serves). Not part of the field matrix, which mirrors the SDK.
   */
  Shape extension(String value, Shape shape) {
    extensions.put(value, shape);
    return this;
  }

  List<String> names() {
    return List.copyOf(names);
  }

  List<Rule> rules() {
    return List.copyOf(rules);
  }

  List<String> passThroughNames() {
    return List.copyOf(passThrough);
  }

  String discriminator() {
    return discriminator;
  }

  Map<String, Shape> variants() {
    return Collections.unmodifiableMap(variants);
  }

  void validate(JsonNode obj, Trace t) {
    Shape s = this;
    if (discriminator != null) {
      JsonNode d = obj.get(discriminator);
      t.push(discriminator);
      if (d == null || d.isMissingNode()) {
        throw t.fail("Missing required parameter: '" + t.path() + "'.", discriminatorAnchor);
      }
      if (!d.isTextual()) {
        throw t.fail("Invalid type for '" + t.path() + "': expected a string, but got " + Values.describe(d)
            + " instead.", discriminatorAnchor);
      }
      s = variants.get(d.textValue());
      if (s == null) {
        s = extensions.get(d.textValue());
      }
      if (s == null) {
        Set<String> supported = new LinkedHashSet<>(variants.keySet());
        supported.addAll(extensions.keySet());
        throw t.fail("Invalid value for '" + t.path() + "': '" + Values.echo(d) + "'. Supported values are: "
            + Rule.quoteAll(supported) + ".", discriminatorAnchor);
      }
      t.pop();
    }
    String[] n = s.nameArray;
    Rule[] r = s.ruleArray;
    for (int i = 0; i < n.length; i++) {
      t.push(n[i]);
      r[i].validate(obj.get(n[i]), t);
      t.pop();
    }
  }
}
