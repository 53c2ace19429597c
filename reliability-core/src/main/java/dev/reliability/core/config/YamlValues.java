package dev.reliability.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.reliability.core.internal.Checks;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads YAML into canonical keys for {@link FileConfigSource}, with Jackson's YAML module. Loaded
 * only when a YAML file is read, so the optional dependency is needed only then.
 */
final class YamlValues {

  /** Nesting deeper than any configuration key needs is refused. */
  static final int MAX_DEPTH = 32;

  private YamlValues() {}

  static Map<String, String> flatten(Path path, String text) {
    JsonNode root;
    try {
      root = Holder.MAPPER.readTree(text);
    } catch (JacksonException e) {
      throw new ConfigurationException(
          "Configuration file "
              + path
              + " must be valid YAML: "
              + Checks.shortened(e.getOriginalMessage()));
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return out;
    }
    if (!root.isObject()) {
      throw new ConfigurationException(
          "Configuration file "
              + path
              + " must be a YAML mapping of keys, was a "
              + root.getNodeType());
    }
    // Iterative walk: a deeply nested file cannot overflow the stack.
    Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
    todo.push(Map.entry("", root));
    while (!todo.isEmpty()) {
      Map.Entry<String, JsonNode> e = todo.pop();
      String prefix = e.getKey();
      JsonNode node = e.getValue();
      if (node.isObject()) {
        if (depth(prefix) >= MAX_DEPTH) {
          throw new ConfigurationException(
              "Configuration file "
                  + path
                  + " must nest keys at most "
                  + MAX_DEPTH
                  + " deep, was deeper at "
                  + Checks.shortened(prefix));
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        Deque<Map.Entry<String, JsonNode>> children = new ArrayDeque<>();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          children.push(
              Map.entry(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue()));
        }
        while (!children.isEmpty()) {
          todo.push(children.pop());
        }
      } else if (node.isArray()) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : node) {
          if (!item.isValueNode()) {
            throw new ConfigurationException(
                "Configuration file "
                    + path
                    + " must list only plain values under "
                    + Checks.shortened(prefix));
          }
          if (sb.length() > 0) {
            sb.append(',');
          }
          sb.append(item.asText());
        }
        out.put(prefix, sb.toString());
      } else if (!node.isNull()) {
        out.put(prefix, node.asText());
      }
    }
    return out;
  }

  private static int depth(String prefix) {
    if (prefix.isEmpty()) {
      return 0;
    }
    int d = 1;
    for (int i = 0; i < prefix.length(); i++) {
      if (prefix.charAt(i) == '.') {
        d++;
      }
    }
    return d;
  }

  /** The mapper, made on first use of YAML. */
  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
  }
}
