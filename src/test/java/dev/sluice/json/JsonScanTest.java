package dev.sluice.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where a value ends, by walking bytes: the end for JSON values, NONE for what JSON does not allow. */
class JsonScanTest {
  private static int valueEnd(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return JsonScan.skipValue(b, 0, b.length);
  }

  @Test
  void findsTheEndOfEveryKindOfValueAndNoMore() {
    for (String v : new String[] {"\"a\\\"}b\"", "true", "false", "null", "0", "-12.5e+3", "1E9", "{}", "[]",
        "{\"a\":[1,{\"b\":\"]}\"},null],\"c\":{}}", "[ 1 , [ ] , { \"x\" : \"y\" } ]", "\"\u00e9\u4e2d\""}) {
      String text = v + " ,\"next\":1}";
      assertThat(valueEnd(text)).as(v).isEqualTo(v.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void refusesWhatIsNotJson() {
    for (String v : new String[] {"", "tru", "nul", "True", "01", "1.", ".5", "1e", "--1", "1-2", "+1", "\"open",
        "{", "[1,2", "{\"a\":1,}", "[1,]", "[,1]", "[1,,2]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\" 1}", "[1 2]",
        "{]", "[}", "{\"a\":1]", "[{]}", ":", ",",
        "\"bad \\x escape\"", "\"\\u12\"", "\"raw\ttab\"", "\"ends in \\"}) {
      assertThat(valueEnd(v)).as(v).isEqualTo(JsonScan.NONE);
    }
    assertThat(valueEnd("[".repeat(65) + "]".repeat(65))).as("deeper than 64 levels: a parser's job")
        .isEqualTo(JsonScan.NONE);
    assertThat(valueEnd("[".repeat(64) + "]".repeat(64))).isEqualTo(128);
  }

  @Test
  void namesAreComparedAsTheyAreWritten() {
    byte[] b = "\"usage\"\"us\\u0061ge\"".getBytes(StandardCharsets.UTF_8);
    assertThat(JsonScan.nameIs(b, 0, 7, "usage")).isTrue();
    assertThat(JsonScan.hasEscape(b, 0, 7)).isFalse();
    int second = JsonScan.skipString(b, 7, b.length);
    assertThat(second).isEqualTo(b.length);
    assertThat(JsonScan.hasEscape(b, 7, second)).isTrue();
  }
}
