package dev.sluice.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Small, allocation-free (on the happy path) helpers over Jackson nodes. */
final class Values {
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final int MAX_ECHO = 40;

  private Values() {
  }

  static boolean isFiniteNumber(JsonNode n) {
    if (!n.isNumber()) {
      return false;
    }
    if (n.isDouble() || n.isFloat()) {
      return Double.isFinite(n.doubleValue());
    }
    return true;
  }

  /** An integral number within the signed 64-bit range (1, 1.0 and 1e2 qualify; 1.5 does not). */
  static boolean isInt64(JsonNode n) {
    if (!n.isNumber()) {
      return false;
    }
    if (n.isInt() || n.isLong() || n.isShort()) {
      return true;
    }
    if (n.isBigInteger()) {
      return n.bigIntegerValue().bitLength() < 64;
    }
    if (n.isDouble() || n.isFloat()) {
      double d = n.doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
    }
    if (n.isBigDecimal()) {
      BigDecimal d = n.decimalValue();
      if (d.compareTo(LONG_MIN) < 0 || d.compareTo(LONG_MAX) > 0) {
        return false;
      }
      return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    }
    return false;
  }

  /** An integral number outside the 64-bit range (for a precise message). */
  static boolean isHugeInteger(JsonNode n) {
    if (n.isBigInteger()) {
      return n.bigIntegerValue().bitLength() >= 64;
    }
    if (n.isBigDecimal()) {
      BigDecimal d = n.decimalValue();
      return (d.compareTo(LONG_MIN) < 0 || d.compareTo(LONG_MAX) > 0)
          && (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0);
    }
    return false;
  }

  /** Compares a finite number node with {@code bound}; the node must satisfy {@link #isFiniteNumber}. */
  static int compare(JsonNode n, BigDecimal bound, double boundAsDouble) {
    if (n.isInt() || n.isShort()) {
      return Double.compare(n.intValue(), boundAsDouble);
    }
    if (n.isLong()) {
      return BigDecimal.valueOf(n.longValue()).compareTo(bound);
    }
    if (n.isDouble() || n.isFloat()) {
      double d = n.doubleValue();
      return d < boundAsDouble ? -1 : d > boundAsDouble ? 1 : 0;
    }
    if (n.isBigDecimal()) {
      return n.decimalValue().compareTo(bound);
    }
    if (n.isBigInteger()) {
      return new BigDecimal(n.bigIntegerValue()).compareTo(bound);
    }
    return 0;
  }

  /** A short rendering of a user-supplied value for messages; long input is cut. */
  static String echo(JsonNode n) {
    String s;
    if (n.isTextual()) {
      s = n.textValue();
    } else if (n.isBigDecimal()) {
      s = n.decimalValue().toString();
    } else if (n.isBigInteger()) {
      BigInteger b = n.bigIntegerValue();
      s = b.bitLength() > 256 ? (b.signum() < 0 ? "-" : "") + "a " + b.toString().length() + "-digit number"
          : b.toString();
    } else if (n.isValueNode()) {
      s = n.asText();
    } else {
      s = describe(n);
    }
    if (s.length() > MAX_ECHO) {
      int cut = MAX_ECHO;
      if (Character.isHighSurrogate(s.charAt(cut - 1))) {
        cut--;
      }
      s = s.substring(0, cut) + "...";
    }
    return s;
  }

  /** "a string", "an integer", "null", ... for the value actually sent. */
  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isNumber()) {
      if (!isFiniteNumber(n)) {
        return "a non-finite number";
      }
      if (isInt64(n)) {
        return "an integer";
      }
      return isHugeInteger(n) ? "an integer outside the 64-bit range" : "a decimal";
    }
    return "an unsupported value";
  }
}
