package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigSourceTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  @Test
  void aPropertiesFileSetsCanonicalKeysWithTheirOrigin() throws IOException {
    Path file =
        write(
            "reliability.properties",
            "# incident 42\nreliability.circuitbreaker.payments.failure-threshold = 8\n");

    FileConfigSource source = FileConfigSource.read(file);

    assertThat(source.values())
        .containsExactly(Map.entry("reliability.circuitbreaker.payments.failure-threshold", "8"));
    assertThat(source.get("reliability.circuitbreaker.payments.failure-threshold"))
        .hasValueSatisfying(
            v -> {
              assertThat(v.text()).isEqualTo("8");
              assertThat(v.origin())
                  .isEqualTo(
                      "file "
                          + file
                          + " key reliability.circuitbreaker.payments.failure-threshold");
            });
    assertThat(source.get("reliability.retry.max-retries")).isEmpty();
  }

  @Test
  void aYamlFileNestsKeysJoinsListsAndSkipsNulls() throws IOException {
    Path file =
        write(
            "reliability.yaml",
            String.join(
                "\n",
                "reliability:",
                "  circuitbreaker:",
                "    payments:",
                "      failure-threshold: 8",
                "      wait-in-open: 30s",
                "  retry:",
                "    max-retries: ~",
                "  adaptivelimit:",
                "    partitions: [live, batch]",
                ""));

    assertThat(FileConfigSource.read(file).values())
        .containsOnly(
            Map.entry("reliability.circuitbreaker.payments.failure-threshold", "8"),
            Map.entry("reliability.circuitbreaker.payments.wait-in-open", "30s"),
            Map.entry("reliability.adaptivelimit.partitions", "live,batch"));
  }

  @Test
  void anEmptyYamlFileSetsNothing() throws IOException {
    assertThat(FileConfigSource.read(write("empty.yml", "")).values()).isEmpty();
  }

  @Test
  void aFileOverOneMegabyteIsRefusedWithoutBeingParsed() throws IOException {
    Path file = dir.resolve("big.properties");
    Files.write(file, new byte[2 * 1024 * 1024]);

    assertThatThrownBy(() -> FileConfigSource.read(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Configuration file "
                + file
                + " must be at most 1048576 bytes, was larger; nothing"
                + " was read from it");
  }

  @Test
  void invalidFilesAreRefusedWithTheReason() throws IOException {
    Path list = write("list.yaml", "- a\n- b\n");
    assertThatThrownBy(() -> FileConfigSource.read(list))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Configuration file " + list + " must be a YAML mapping of keys, was a ARRAY");
    Path broken = write("broken.yaml", "reliability: [unclosed\n");
    assertThatThrownBy(() -> FileConfigSource.read(broken))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Configuration file " + broken + " must be valid YAML: ");
    Path binary = dir.resolve("binary.properties");
    Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> FileConfigSource.read(binary))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Configuration file " + binary + " must be UTF-8 text");
    Path missing = dir.resolve("missing.properties");
    assertThatThrownBy(() -> FileConfigSource.read(missing))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Configuration file " + missing + " cannot be read: ");
  }

  @Test
  void anotherExtensionIsRefusedByName() {
    assertThatThrownBy(() -> FileConfigSource.read(dir.resolve("reliability.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "path must end in .properties, .yaml or .yml, was \""
                + dir.resolve("reliability.json")
                + "\"");
  }
}
