package dev.reliability.monitoring.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the generated monitoring files' trees of maps and lists as YAML (block style, minimal
 * quoting, no document marker) and as JSON (two-space indent, trailing newline). Jackson does the
 * writing; this is the one place of the module that uses it.
 *
 * <p>Internal: may change at any time. Stateless and thread-safe.
 */
public final class Documents {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Documents() {}

  /**
   * Returns an insertion-ordered map of alternating keys and values, so that generated files do not
   * depend on {@code Map.of}'s per-run iteration order.
   *
   * @param keysAndValues a string key, then its value, repeated
   * @return a mutable map in the order given
   */
  public static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /**
   * Writes a tree as YAML.
   *
   * @param value maps, lists, strings, numbers and booleans
   * @return the YAML text
   */
  public static String yaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  /**
   * Writes a tree as indented JSON ending with a newline.
   *
   * @param value maps, lists, strings, numbers and booleans
   * @return the JSON text
   */
  public static String json(Object value) {
    try {
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      return JSON.writer(printer).writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
