package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one field (or array element) may hold. Built fluently while the rule tree is assembled,
 * read-only afterwards.
 */
final class Rule {
  final String anchor;
  private final EnumSet<JsonType> types = EnumSet.noneOf(JsonType.class);
  private int mask;
  private boolean required;
  private boolean nullable;
  private boolean opaque;
  private Set<String> literals;
  private final List<String> rejected = new ArrayList<>();
  private Shape shape;
  private Rule items;
  private final List<Check> checks = new ArrayList<>();

  private Rule(String anchor, JsonType type) {
    this.anchor = anchor;
    or(type);
  }

  static Rule of(String anchor, JsonType type) {
    return new Rule(anchor, type);
  }

  static Rule object(String anchor, Shape shape) {
    Rule r = new Rule(anchor, JsonType.OBJECT);
    r.shape = shape;
    return r;
  }

  static Rule array(String anchor, Rule items) {
    Rule r = new Rule(anchor, JsonType.ARRAY);
    r.items = items;
    return r;
  }

  Rule or(JsonType type) {
    types.add(type);
    mask |= type.bit();
    return this;
  }

  Rule orObject(Shape shape) {
    this.shape = shape;
    return or(JsonType.OBJECT);
  }

  Rule orArray(Rule items) {
    this.items = items;
    return or(JsonType.ARRAY);
  }

  Rule required() {
    required = true;
    return this;
  }

  Rule nullable() {
    nullable = true;
    return this;
  }

  /** Free-form object (a JSON Schema, a dictionary): only its type is checked. */
  Rule opaque() {
    opaque = true;
    return this;
  }

  /** The string values accepted. */
  Rule literals(String... values) {
    literals = new LinkedHashSet<>(List.of(values));
    return this;
  }

  /** String values the SDK allows but the gateway deliberately rejects (recorded for the matrix). */
  Rule rejecting(String... values) {
    rejected.addAll(List.of(values));
    return this;
  }

  Rule check(String description, Check.Test test) {
    checks.add(new Check(description, test));
    return this;
  }

  EnumSet<JsonType> types() {
    return EnumSet.copyOf(types);
  }

  boolean isRequired() {
    return required;
  }

  boolean isNullable() {
    return nullable;
  }

  boolean isOpaque() {
    return opaque;
  }

  Set<String> literalSet() {
    return literals;
  }

  List<String> rejectedLiterals() {
    return List.copyOf(rejected);
  }

  Shape shape() {
    return shape;
  }

  Rule items() {
    return items;
  }

  List<Check> checks() {
    return List.copyOf(checks);
  }

  /** Validates {@code value} (null when absent) at the trace's current path. */
  void validate(JsonNode value, Trace t) {
    if (value == null || value.isMissingNode()) {
      if (required) {
        throw t.fail("Missing required parameter: '" + t.path() + "'.", anchor);
      }
      return;
    }
    if (value.isNull()) {
      if (!nullable) {
        throw t.fail(typeMessage(value, t), anchor);
      }
      return;
    }
    if (!typeMatches(value)) {
      throw t.fail(typeMessage(value, t), anchor);
    }
    if (literals != null && value.isTextual() && !literals.contains(value.textValue())) {
      throw t.fail("Invalid value for '" + t.path() + "': '" + Values.echo(value) + "'. Supported values are: "
          + quoteAll(literals) + ".", anchor);
    }
    for (int i = 0, n = checks.size(); i < n; i++) {
      String m = checks.get(i).test().apply(value, t);
      if (m != null) {
        throw t.fail(m, anchor);
      }
    }
    if (shape != null && value.isObject()) {
      shape.validate(value, t);
    } else if (items != null && value.isArray()) {
      for (int i = 0, n = value.size(); i < n; i++) {
        t.push(i);
        items.validate(value.get(i), t);
        t.pop();
      }
    }
  }

  private boolean typeMatches(JsonNode value) {
    if ((mask & JsonType.NUMBER.bit()) != 0 && Values.isFiniteNumber(value)) {
      return true;
    }
    for (JsonType type : types) {
      if (type.matches(value)) {
        return true;
      }
    }
    return false;
  }

  private String typeMessage(JsonNode value, Trace t) {
    StringBuilder expected = new StringBuilder();
    int i = 0;
    for (JsonType type : types) {
      if (i > 0) {
        expected.append(i == types.size() - 1 ? " or " : ", ");
      }
      expected.append(type.withArticle());
      i++;
    }
    return "Invalid type for '" + t.path() + "': expected " + expected + ", but got " + Values.describe(value)
        + " instead.";
  }

  static String quoteAll(Iterable<String> values) {
    StringBuilder sb = new StringBuilder();
    for (String v : values) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append('\'').append(v).append('\'');
    }
    return sb.toString();
  }
}
