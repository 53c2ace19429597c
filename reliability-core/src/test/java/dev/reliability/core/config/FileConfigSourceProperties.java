package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The file parsers on any input: a source or a {@link ConfigurationException}, nothing else. */
class FileConfigSourceProperties {

  @Property(tries = 300)
  void anyBytesGiveKeysOrAConfigurationException(
      @ForAll @Size(max = 400) byte[] bytes, @ForAll boolean yaml) {
    Path path = Path.of(yaml ? "any.yaml" : "any.properties");
    try {
      FileConfigSource source = FileConfigSource.parse(path, bytes);
      assertThat(source.values()).doesNotContainValue(null);
    } catch (ConfigurationException expected) {
      assertThat(expected.getMessage()).startsWith("Configuration file any.");
    }
  }

  @Property(tries = 200)
  void aPropertiesLineAndItsYamlNestingGiveTheSameKey(
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) String policy,
      @ForAll @NumericChars @StringLength(min = 1, max = 6) String value) {
    String key = "reliability.circuitbreaker." + policy + ".failure-threshold";
    FileConfigSource properties =
        FileConfigSource.parse(
            Path.of("a.properties"), (key + "=" + value).getBytes(StandardCharsets.UTF_8));
    String yaml =
        "reliability:\n  circuitbreaker:\n    "
            + policy
            + ":\n      failure-threshold: '"
            + value
            + "'\n";
    FileConfigSource nested =
        FileConfigSource.parse(Path.of("a.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(nested.values()).isEqualTo(properties.values()).isEqualTo(Map.of(key, value));
  }
}
