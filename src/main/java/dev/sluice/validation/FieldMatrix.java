package dev.sluice.validation;

import dev.sluice.api.Endpoint;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The exact subset of the pinned SDK request surface the validator enforces, per endpoint, in
 * validation order, plus the SDK fields it knowingly forwards unchecked. Derived from the live rule
 * tree, so it cannot drift from what {@link RequestValidator} does.
 *
 * @param sdk the SDK the rules are authored against ({@code openai-python})
 * @param version its pinned version
 * @param fields validated positions per endpoint
 * @param passThrough SDK paths forwarded unchecked per endpoint (a path covers everything below it)
 */
public record FieldMatrix(String sdk, String version, Map<Endpoint, List<FieldEntry>> fields,
                          Map<Endpoint, List<String>> passThrough) {

  public FieldMatrix {
    fields = Map.copyOf(fields);
    passThrough = Map.copyOf(passThrough);
  }

  public List<FieldEntry> fields(Endpoint endpoint) {
    return fields.getOrDefault(endpoint, List.of());
  }

  public List<String> passThrough(Endpoint endpoint) {
    return passThrough.getOrDefault(endpoint, List.of());
  }

  static FieldMatrix of(String sdk, String version, Map<Endpoint, Shape> roots) {
    Map<Endpoint, List<FieldEntry>> f = new EnumMap<>(Endpoint.class);
    Map<Endpoint, List<String>> p = new EnumMap<>(Endpoint.class);
    roots.forEach((endpoint, root) -> {
      List<FieldEntry> entries = new ArrayList<>();
      List<String> pass = new ArrayList<>();
      walkShape(root, "", entries, pass);
      f.put(endpoint, List.copyOf(entries));
      p.put(endpoint, List.copyOf(pass));
    });
    return new FieldMatrix(sdk, version, f, p);
  }

  private static void walkShape(Shape shape, String prefix, List<FieldEntry> out, List<String> pass) {
    if (shape.discriminator() != null) {
      shape.variants().forEach((value, variant) ->
          walkShape(variant, prefix + "{" + shape.discriminator() + "=" + value + "}", out, pass));
      return;
    }
    List<String> names = shape.names();
    List<Rule> rules = shape.rules();
    for (int i = 0; i < names.size(); i++) {
      walkRule(rules.get(i), join(prefix, names.get(i)), out, pass);
    }
    for (String name : shape.passThroughNames()) {
      pass.add(join(prefix, name));
    }
  }

  private static void walkRule(Rule rule, String path, List<FieldEntry> out, List<String> pass) {
    Shape shape = rule.shape();
    String disc = shape == null ? null : shape.discriminator();
    out.add(new FieldEntry(path,
        rule.types().stream().map(JsonType::specName).toList(),
        rule.isRequired(), rule.isNullable(),
        rule.literalSet() == null ? List.of() : List.copyOf(rule.literalSet()),
        rule.rejectedLiterals(), disc,
        disc == null ? List.of() : List.copyOf(shape.variants().keySet()),
        rule.isOpaque(),
        rule.checks().stream().map(Check::description).toList(),
        rule.anchor));
    if (rule.items() != null) {
      walkRule(rule.items(), path + "[]", out, pass);
    }
    if (shape != null) {
      walkShape(shape, path, out, pass);
    }
  }

  private static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }
}
