package dev.reliability.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

class ExpositionParserProperties {

  @Property
  void neverThrowsOnAnyText(@ForAll String text) {
    ExpositionParser.parse(text);
  }

  @Property
  void readsBackAnyEscapedLabelValue(
      @ForAll @AlphaChars @StringLength(min = 1, max = 10) String name,
      @ForAll String value,
      @ForAll double number) {
    String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    String line =
        "m_" + name + "{label=\"" + escaped + "\"} " + (Double.isNaN(number) ? "NaN" : number);
    ExpositionParser.Result result = ExpositionParser.parse(line);

    assertThat(result.errors()).isEmpty();
    ExpositionParser.Sample sample = result.samples().get(0);
    assertThat(sample.name()).isEqualTo("m_" + name);
    assertThat(sample.labels()).isEqualTo(Map.of("label", value));
    assertThat(sample.value()).isEqualTo(number);
  }
}
