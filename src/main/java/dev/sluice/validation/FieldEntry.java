package dev.sluice.validation;

import java.util.List;

/**
 * One validated position of a request body, as the validator enforces it.
 *
 * <p>Paths use {@code .} between object fields, {@code []} for array elements and
 * {@code {role=user}} to select one variant of a union, e.g.
 * {@code messages[]{role=user}.content[]{type=image_url}.image_url.url}.
 *
 * @param path the position
 * @param types accepted JSON types, spec names ({@code string}, {@code integer}, ...)
 * @param required whether the field must be present
 * @param nullable whether an explicit JSON null is accepted
 * @param literals accepted string values, empty when any string is accepted
 * @param rejectedLiterals values the pinned SDK allows but the gateway rejects
 * @param discriminator the field telling union variants apart, or null
 * @param variants the accepted discriminator values, empty unless a union
 * @param opaque a free-form object whose content is not inspected
 * @param constraints gateway rules beyond the SDK's types (ranges, lengths, cross-field rules)
 * @param anchor the heading in {@code docs/validation.md} that documents the field
 */
public record FieldEntry(String path, List<String> types, boolean required, boolean nullable,
                         List<String> literals, List<String> rejectedLiterals, String discriminator,
                         List<String> variants, boolean opaque, List<String> constraints, String anchor) {

  public FieldEntry {
    types = List.copyOf(types);
    literals = List.copyOf(literals);
    rejectedLiterals = List.copyOf(rejectedLiterals);
    variants = List.copyOf(variants);
    constraints = List.copyOf(constraints);
  }
}
