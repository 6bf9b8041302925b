package dev.sluice.json;

/**
 * Positions in UTF-8 JSON text, found by walking its bytes: where a value, a string or the white
 * space after it ends. For edits of a body that keep every other byte as it came, without a parser
 * or a tree. Structure is checked (brackets that match, members with a name and a colon, literals and
 * numbers in JSON's grammar, escapes and control characters in strings); the UTF-8 inside strings
 * is not.
 * Every method returns {@link #NONE} where the text is not what it expects.
 */
public final class JsonScan {
  /** Not a value (or not a complete one) where one was expected. */
  public static final int NONE = -1;
  /** Deeper than this, a value is left to a parser. */
  private static final int MAX_DEPTH = 64;

  private JsonScan() {
  }

  /** The first position at or after {@code i} that is not JSON white space ({@code end} when none). */
  public static int skipSpace(byte[] b, int i, int end) {
    while (i < end && isSpace(b[i])) {
      i++;
    }
    return i;
  }

  /** The position after the string whose opening quote is at {@code i}. */
  public static int skipString(byte[] b, int i, int end) {
    if (i >= end || b[i] != '"') {
      return NONE;
    }
    for (int j = i + 1; j < end; j++) {
      byte c = b[j];
      if (c == '"') {
        return j + 1;
      }
      if (c >= 0 && c < 0x20) {
        return NONE; // a control character must be escaped
      }
      if (c == '\\') {
        if (++j >= end) {
          return NONE;
        }
        switch (b[j]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
          }
          case 'u' -> {
            if (j + 4 >= end || !isHex(b[j + 1]) || !isHex(b[j + 2]) || !isHex(b[j + 3]) || !isHex(b[j + 4])) {
              return NONE;
            }
            j += 4;
          }
          default -> {
            return NONE;
          }
        }
      }
    }
    return NONE;
  }

  /** Whether the string at {@code [start, stop)} (quotes included) has an escape in it. */
  public static boolean hasEscape(byte[] b, int start, int stop) {
    for (int j = start + 1; j < stop - 1; j++) {
      if (b[j] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** Whether the string at {@code [start, stop)} (quotes included) is {@code name}, an ASCII name. */
  public static boolean nameIs(byte[] b, int start, int stop, String name) {
    if (stop - start != name.length() + 2) {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      if (b[start + 1 + k] != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The position after the value that starts at {@code i} (white space before it not skipped). */
  public static int skipValue(byte[] b, int i, int end) {
    if (i >= end) {
      return NONE;
    }
    byte c = b[i];
    if (c == '"') {
      return skipString(b, i, end);
    }
    if (c == '{' || c == '[') {
      return skipContainer(b, i, end);
    }
    return skipScalar(b, i, end);
  }

  /** The position after the literal or number at {@code i}. */
  private static int skipScalar(byte[] b, int i, int end) {
    int j = scalarEnd(b, i, end);
    return isLiteralOrNumber(b, i, j) ? j : NONE;
  }

  /** The end of the run of bytes a literal or number is made of, from {@code i}. */
  private static int scalarEnd(byte[] b, int i, int end) {
    int j = i;
    while (j < end && isScalarByte(b[j])) {
      j++;
    }
    return j;
  }

  /** An object or array: brackets matched with a stack of up to {@link #MAX_DEPTH} levels. */
  private static int skipContainer(byte[] b, int i, int end) {
    long objects = 0; // bit d set: the container at depth d is an object
    int depth = 0;
    int j = i;
    while (j < end) {
      byte c = b[j];
      switch (c) {
        case '{', '[' -> {
          if (depth == MAX_DEPTH) {
            return NONE;
          }
          objects = c == '{' ? objects | (1L << depth) : objects & ~(1L << depth);
          depth++;
          j = skipSpace(b, j + 1, end);
          if (j < end && (b[j] == '}' || b[j] == ']')) {
            continue; // empty: the close below
          }
          if (j < end && b[j] == ',') {
            return NONE;
          }
          if (c == '{') {
            j = member(b, j, end);
            if (j == NONE) {
              return NONE;
            }
          }
          continue;
        }
        case '}', ']' -> {
          if (depth == 0 || (((objects >>> (depth - 1)) & 1L) == 1L) != (c == '}')) {
            return NONE;
          }
          depth--;
          j++;
          if (depth == 0) {
            return j;
          }
          j = afterValue(b, j, end);
          if (j == NONE) {
            return NONE;
          }
          continue;
        }
        case ',' -> {
          if (depth == 0) {
            return NONE;
          }
          j = skipSpace(b, j + 1, end);
          if (((objects >>> (depth - 1)) & 1L) == 1L) {
            j = member(b, j, end);
            if (j == NONE) {
              return NONE;
            }
          } else if (j >= end || b[j] == ']' || b[j] == '}' || b[j] == ',') {
            return NONE; // [1,] or [1,,2]
          }
          continue;
        }
        default -> {
          if (isSpace(c)) {
            j++;
            continue;
          }
          j = c == '"' ? skipString(b, j, end) : skipScalar(b, j, end);
          if (j == NONE) {
            return NONE;
          }
          j = afterValue(b, j, end);
          if (j == NONE) {
            return NONE;
          }
        }
      }
    }
    return NONE;
  }

  /** At a member's name: the position of its value (after the name, the colon and white space). */
  private static int member(byte[] b, int j, int end) {
    int name = skipString(b, j, end);
    if (name == NONE) {
      return NONE;
    }
    int colon = skipSpace(b, name, end);
    if (colon >= end || b[colon] != ':') {
      return NONE;
    }
    int value = skipSpace(b, colon + 1, end);
    return value < end && b[value] != '}' && b[value] != ']' && b[value] != ',' ? value : NONE;
  }

  /** After a value inside a container: white space, then a comma or a closing bracket must follow. */
  private static int afterValue(byte[] b, int j, int end) {
    j = skipSpace(b, j, end);
    return j < end && (b[j] == ',' || b[j] == '}' || b[j] == ']') ? j : NONE;
  }

  private static boolean isLiteralOrNumber(byte[] b, int from, int to) {
    if (from >= to) {
      return false;
    }
    byte c = b[from];
    if (c == 't') {
      return is(b, from, to, "true");
    }
    if (c == 'f') {
      return is(b, from, to, "false");
    }
    if (c == 'n') {
      return is(b, from, to, "null");
    }
    return isNumber(b, from, to);
  }

  /** JSON's number grammar: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private static boolean isNumber(byte[] b, int from, int to) {
    int k = from;
    if (k < to && b[k] == '-') {
      k++;
    }
    if (k >= to || !isDigit(b[k])) {
      return false;
    }
    if (b[k] == '0') {
      k++;
    } else {
      while (k < to && isDigit(b[k])) {
        k++;
      }
    }
    if (k < to && b[k] == '.') {
      int digits = ++k;
      while (k < to && isDigit(b[k])) {
        k++;
      }
      if (k == digits) {
        return false;
      }
    }
    if (k < to && (b[k] == 'e' || b[k] == 'E')) {
      k++;
      if (k < to && (b[k] == '+' || b[k] == '-')) {
        k++;
      }
      int digits = k;
      while (k < to && isDigit(b[k])) {
        k++;
      }
      if (k == digits) {
        return false;
      }
    }
    return k == to;
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean is(byte[] b, int from, int to, String word) {
    if (to - from != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (b[from + k] != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isScalarByte(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '+'
        || c == '.';
  }

  /** JSON's white space: space, tab, line feed, carriage return. */
  public static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** What {@link #object} hands each member to. */
  public interface Member {
    /**
     * The member whose quoted name is at {@code [nameStart, nameEnd)} (no escapes in it) and whose
     * value starts at {@code value}; returns the position after the value, or {@link #NONE}.
     */
    int value(int nameStart, int nameEnd, int value);
  }

  /**
   * Walks the object at {@code i}, handing each member to {@code member}, which reads (or skips) its
   * value; returns the position after the closing brace. A member name with an escape in it gives
   * {@link #NONE}: its text is not its name, so it is a parser's to read.
   */
  public static int object(byte[] b, int i, int end, Member member) {
    if (i >= end || b[i] != '{') {
      return NONE;
    }
    i = skipSpace(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    while (true) {
      int nameEnd = skipString(b, i, end);
      if (nameEnd == NONE || hasEscape(b, i, nameEnd)) {
        return NONE;
      }
      int colon = skipSpace(b, nameEnd, end);
      if (colon >= end || b[colon] != ':') {
        return NONE;
      }
      int after = member.value(i, nameEnd, skipSpace(b, colon + 1, end));
      if (after == NONE) {
        return NONE;
      }
      after = skipSpace(b, after, end);
      if (after < end && b[after] == '}') {
        return after + 1;
      }
      if (after >= end || b[after] != ',') {
        return NONE;
      }
      i = skipSpace(b, after + 1, end);
    }
  }
}
