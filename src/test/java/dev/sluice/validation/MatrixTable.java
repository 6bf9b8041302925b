package dev.sluice.validation;

import dev.sluice.api.Endpoint;
import java.util.ArrayList;
import java.util.List;

/** Renders the field matrix as the markdown table docs/validation.md shows (and the test compares). */
final class MatrixTable {
  private MatrixTable() {
  }

  static String render(FieldMatrix matrix, Endpoint endpoint) {
    StringBuilder sb = new StringBuilder();
    sb.append("| Field | Types | Required | Null | Values | Gateway rule | Doc |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (FieldEntry e : matrix.fields(endpoint)) {
      List<String> values = new ArrayList<>();
      if (!e.literals().isEmpty()) {
        values.add(String.join(", ", e.literals()));
      }
      if (!e.variants().isEmpty()) {
        values.add(e.discriminator() + ": " + String.join(", ", e.variants()));
      }
      if (!e.rejectedLiterals().isEmpty()) {
        values.add("rejected: " + String.join(", ", e.rejectedLiterals()));
      }
      List<String> rules = new ArrayList<>(e.constraints());
      if (e.opaque()) {
        rules.add("contents not inspected");
      }
      sb.append("| `").append(e.path()).append("` | ")
          .append(String.join(" \\| ", e.types())).append(" | ")
          .append(e.required() ? "yes" : "").append(" | ")
          .append(e.nullable() ? "ok" : "400").append(" | ")
          .append(String.join("; ", values)).append(" | ")
          .append(String.join("; ", rules)).append(" | ")
          .append("[").append(e.anchor()).append("](#").append(e.anchor()).append(") |\n");
    }
    if (!matrix.passThrough(endpoint).isEmpty()) {
      sb.append("\nForwarded unchecked: ");
      sb.append(String.join(", ", matrix.passThrough(endpoint).stream().map(p -> "`" + p + "`").toList()));
      sb.append(".\n");
    }
    return sb.toString();
  }
}
