package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import java.util.Arrays;

/**
 * Per-call state: the request root and the path to the value under test, kept as a small stack
 * and rendered ({@code messages[2].content[0].image_url.url}) only when a rule fails.
 */
final class Trace {
  private final JsonNode root;
  private final String docBase;
  private String[] names = new String[16];
  private int[] indices = new int[16];
  private int depth;

  Trace(JsonNode root, String docBase) {
    this.root = root;
    this.docBase = docBase;
  }

  JsonNode root() {
    return root;
  }

  void push(String name) {
    grow();
    names[depth] = name;
    indices[depth++] = -1;
  }

  void push(int index) {
    grow();
    names[depth] = null;
    indices[depth++] = index;
  }

  void pop() {
    depth--;
  }

  private void grow() {
    if (depth == names.length) {
      names = Arrays.copyOf(names, depth * 2);
      indices = Arrays.copyOf(indices, depth * 2);
    }
  }

  /** The rendered path, or null at the root. */
  String path() {
    if (depth == 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (names[i] == null) {
        sb.append('[').append(indices[i]).append(']');
      } else {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(names[i]);
      }
    }
    return sb.toString();
  }

  /** Path of the current value with {@code child} appended (for messages naming a sibling). */
  String path(String child) {
    String p = path();
    return p == null ? child : p + "." + child;
  }

  GatewayException fail(String message, String anchor) {
    return ApiError.invalidParam(path(), message).withDocUrl(docBase + anchor).exception();
  }
}
