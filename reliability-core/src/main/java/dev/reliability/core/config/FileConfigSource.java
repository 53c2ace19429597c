package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration keys of one file, read once: a {@code .properties} file of canonical keys
 * ({@code reliability.circuitbreaker.payments.failure-threshold=8}), or a {@code .yaml} / {@code
 * .yml} file whose nested keys join with dots to the same canonical keys:
 *
 * <pre>
 * reliability:
 *   circuitbreaker:
 *     payments:
 *       failure-threshold: 8
 * </pre>
 *
 * <p>A YAML list becomes its items joined by commas; a YAML null sets nothing. YAML needs {@code
 * com.fasterxml.jackson.dataformat:jackson-dataformat-yaml} on the class path (an optional
 * dependency of this module). A file larger than {@link #MAX_BYTES} is refused before it is parsed.
 * Values carry their origin ({@code file /etc/app/reliability.yaml key ...}) into configuration
 * problems.
 *
 * <p>To follow a file as it changes, see {@code dev.reliability.core.policy.ConfigReloader}, which
 * reads it again with {@link #read(Path)} and applies it to a policy registry.
 *
 * <p>Immutable and thread-safe.
 */
public final class FileConfigSource implements ConfigSource {

  /** The largest file read: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  private final Path path;
  private final Map<String, String> values;
  private final ConfigSource lookup;

  private FileConfigSource(Path path, Map<String, String> values) {
    this.path = path;
    this.values = Map.copyOf(values);
    this.lookup = ConfigSource.fromMap("file " + path, this.values);
  }

  /**
   * Reads a file.
   *
   * @param path a {@code .properties}, {@code .yaml} or {@code .yml} file
   * @return its keys
   * @throws ConfigurationException if the file cannot be read, is larger than {@link #MAX_BYTES},
   *     is not UTF-8 text, or is not valid properties or YAML
   * @throws IllegalArgumentException if the file name has another extension
   */
  public static FileConfigSource read(Path path) {
    Checks.notNull("path", path);
    Format format = Format.of(path);
    return parse(path, format, readBounded(path));
  }

  /**
   * Reads a file's bytes, at most {@link #MAX_BYTES}.
   *
   * @param path the file
   * @return its bytes
   * @throws ConfigurationException if it cannot be read or is larger
   */
  static byte[] readBounded(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new ConfigurationException(
            "Configuration file "
                + path
                + " must be at most "
                + MAX_BYTES
                + " bytes, was larger; nothing was read from it");
      }
      return bytes;
    } catch (IOException e) {
      throw new ConfigurationException(
          "Configuration file " + path + " cannot be read: " + Checks.shortened(e.toString()));
    }
  }

  /**
   * Parses the bytes of a file, as {@link #read(Path)} does.
   *
   * @param path the file, for its format and for messages
   * @param bytes its content, at most {@link #MAX_BYTES}
   * @return its keys
   * @throws ConfigurationException if the content is not valid
   */
  static FileConfigSource parse(Path path, byte[] bytes) {
    return parse(path, Format.of(path), bytes);
  }

  private static FileConfigSource parse(Path path, Format format, byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new ConfigurationException(
          "Configuration file "
              + path
              + " must be at most "
              + MAX_BYTES
              + " bytes, was "
              + bytes.length);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigurationException("Configuration file " + path + " must be UTF-8 text");
    }
    Map<String, String> values =
        format == Format.PROPERTIES ? properties(path, text) : yaml(path, text);
    return new FileConfigSource(path, values);
  }

  private static Map<String, String> yaml(Path path, String text) {
    try {
      return YamlValues.flatten(path, text);
    } catch (NoClassDefFoundError e) {
      throw new ConfigurationException(
          "Configuration file "
              + path
              + " is YAML, which needs com.fasterxml.jackson.dataformat:jackson-dataformat-yaml on"
              + " the class path; add it or use a .properties file");
    }
  }

  private static Map<String, String> properties(Path path, String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException(
          "Configuration file "
              + path
              + " must be a valid properties file: "
              + Checks.shortened(String.valueOf(e.getMessage())));
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : p.stringPropertyNames()) {
      values.put(key.trim(), p.getProperty(key).trim());
    }
    return values;
  }

  /**
   * Returns the file read.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Returns every key the file sets, with its text.
   *
   * @return canonical keys to values; unmodifiable
   */
  public Map<String, String> values() {
    return values;
  }

  @Override
  public Optional<ConfigValue> get(String key) {
    return lookup.get(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileConfigSource f && f.path.equals(path) && f.values.equals(values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {path, values});
  }

  @Override
  public String toString() {
    return "FileConfigSource[" + path + ", " + values.size() + " keys]";
  }

  private enum Format {
    PROPERTIES,
    YAML;

    static Format of(Path path) {
      Path file = path.getFileName();
      String name = file == null ? "" : file.toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".properties")) {
        return PROPERTIES;
      }
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return YAML;
      }
      throw new IllegalArgumentException(
          "path must end in .properties, .yaml or .yml, was \""
              + Checks.shortened(path.toString())
              + "\"");
    }
  }
}
