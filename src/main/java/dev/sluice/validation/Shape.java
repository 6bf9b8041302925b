package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
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
  /** Each field's position, for a walk of the fields an object has. */
  private final Map<String, Integer> positions = new HashMap<>();
  /** Bit i set: the field at position i is required, so it is checked even when absent. */
  private long requiredFields;

  static Shape fields() {
    return new Shape();
  }

  static Shape union(String discriminator, String anchor) {
    Shape s = new Shape();
    s.discriminator = discriminator;
    s.discriminatorAnchor = anchor;
    return s;
  }

  /**
   * The next field, in matrix order; whether {@code rule} is required is read here, once.
   *
   * @throws IllegalStateException for a name given twice or a 65th field (the masks hold 64)
   */
  Shape field(String name, Rule rule) {
    if (names.size() == Long.SIZE || positions.putIfAbsent(name, names.size()) != null) {
      throw new IllegalStateException("a shape holds up to " + Long.SIZE + " distinct fields: " + name);
    }
    if (rule.isRequired()) {
      requiredFields |= 1L << names.size();
    }
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
    // the rules of the fields the object has and of the required ones, in matrix order (so the first
    // error is the same): an absent optional field passes its rule, and a request names few of a
    // kind's fields
    long visit = s.requiredFields;
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      Integer at = s.positions.get(it.next());
      if (at != null) {
        visit |= 1L << at;
      }
    }
    while (visit != 0) {
      int i = Long.numberOfTrailingZeros(visit);
      visit &= visit - 1;
      t.push(n[i]);
      r[i].validate(obj.get(n[i]), t);
      t.pop();
    }
  }
}
