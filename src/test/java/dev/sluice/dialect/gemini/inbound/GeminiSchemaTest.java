package dev.sluice.dialect.gemini.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.json.Json;
import org.junit.jupiter.api.Test;

class GeminiSchemaTest {

  private static String convert(String schema) throws Exception {
    return Json.write(GeminiSchema.toJsonSchema(Json.parse(schema), "parameters"));
  }

  @Test
  void propertyNamesStayAsTheyAreWhileKeywordsAreConverted() throws Exception {
    assertThat(convert("{\"type\":\"OBJECT\",\"properties\":{\"min_items\":{\"type\":\"INTEGER\"},"
        + "\"type\":{\"type\":\"STRING\",\"max_length\":\"8\"}},\"required\":[\"min_items\",\"type\"],"
        + "\"property_ordering\":[\"type\",\"min_items\"]}"))
        .isEqualTo("{\"type\":\"object\",\"properties\":{\"min_items\":{\"type\":\"integer\"},"
            + "\"type\":{\"type\":\"string\",\"maxLength\":8}},\"required\":[\"min_items\",\"type\"]}");
  }

  @Test
  void nullableAddsNullOnceAndNestedSchemasAreConverted() throws Exception {
    assertThat(convert("{\"type\":[\"STRING\",\"NULL\"],\"nullable\":true}"))
        .isEqualTo("{\"type\":[\"string\",\"null\"]}");
    assertThat(convert("{\"nullable\":true,\"description\":\"no type: nothing to add to\"}"))
        .isEqualTo("{\"description\":\"no type: nothing to add to\"}");
    assertThat(convert("{\"type\":\"OBJECT\",\"additionalProperties\":{\"type\":\"NUMBER\",\"nullable\":true},"
        + "\"any_of\":[{\"type\":\"ARRAY\",\"items\":{\"type\":\"BOOLEAN\"},\"example\":[true]}]}"))
        .isEqualTo("{\"type\":\"object\",\"additionalProperties\":{\"type\":[\"number\",\"null\"]},"
            + "\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"boolean\"}}]}");
  }
}
