package dev.reliability.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class JsonProperties {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Property(tries = 2000)
  void anyStringRoundTripsAndStaysOnOneLine(@ForAll String value) throws Exception {
    String json = Json.write(Map.of("k", value));

    assertThat(json).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028");
    assertThat(MAPPER.readTree(json).get("k").asText()).isEqualTo(value);
  }

  @Property
  void numbersBooleansNullsAndNesting(@ForAll long n, @ForAll double d, @ForAll boolean b)
      throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", n);
    m.put("d", d);
    m.put("b", b);
    m.put("z", null);
    m.put("list", List.of(1, "two", Map.of("three", 3)));

    JsonNode node = MAPPER.readTree(Json.write(m));

    assertThat(node.get("n").asLong()).isEqualTo(n);
    if (Double.isFinite(d)) {
      assertThat(node.get("d").asDouble()).isEqualTo(d);
    } else {
      assertThat(node.get("d").asText()).isEqualTo(Double.toString(d));
    }
    assertThat(node.get("b").asBoolean()).isEqualTo(b);
    assertThat(node.get("z").isNull()).isTrue();
    assertThat(node.get("list").get(2).get("three").asInt()).isEqualTo(3);
  }
}
