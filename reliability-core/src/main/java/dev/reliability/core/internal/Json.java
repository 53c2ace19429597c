package dev.reliability.core.internal;

import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.Map;

/**
 * A minimal JSON writer for the few documents core produces (problem details), so core needs no
 * JSON library. Writes maps, collections, arrays of objects, strings, numbers, booleans and null;
 * anything else is written as its string form. Non-finite doubles are written as strings.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
public final class Json {

  private Json() {}

  /**
   * Writes a value as compact JSON.
   *
   * @param value the value
   * @return the JSON text, on one line
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder(128);
    write(sb, value, 0);
    return sb.toString();
  }

  /**
   * Appends a JSON string literal, quotes included.
   *
   * @param sb the target
   * @param s the string
   */
  public static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20
              || c == 0x2028
              || c == 0x2029
              || Character.isSurrogate(c) && !validSurrogate(s, i)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static void write(StringBuilder sb, Object value, int depth) {
    if (depth > 32) {
      writeString(sb, "...");
      return;
    }
    if (value == null) {
      sb.append("null");
    } else if (value instanceof CharSequence) {
      writeString(sb, value.toString());
    } else if (value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        sb.append(value);
      } else {
        writeString(sb, value.toString());
      }
    } else if (value instanceof Number) {
      sb.append(value);
    } else if (value instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        writeString(sb, String.valueOf(e.getKey()));
        sb.append(':');
        write(sb, e.getValue(), depth + 1);
      }
      sb.append('}');
    } else if (value instanceof Collection<?> collection) {
      sb.append('[');
      boolean first = true;
      for (Object o : collection) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, o, depth + 1);
      }
      sb.append(']');
    } else if (value instanceof Object[] array) {
      write(sb, java.util.Arrays.asList(array), depth);
    } else if (value instanceof Duration || value instanceof TemporalAccessor) {
      writeString(sb, value.toString());
    } else {
      writeString(sb, String.valueOf(value));
    }
  }
}
