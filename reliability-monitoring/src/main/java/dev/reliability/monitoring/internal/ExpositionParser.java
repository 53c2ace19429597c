package dev.reliability.monitoring.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format 0.0.4 and OpenMetrics text into families and
 * samples, for the self-lint and for tests that assert on scrape output.
 *
 * <p>Lenient by design: a line it cannot read is reported in {@link Result#errors()} and skipped,
 * so one odd line never hides the rest. Never throws on any input.
 *
 * <p>Internal: may change at any time.
 */
public final class ExpositionParser {

  private ExpositionParser() {}

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: the {@code # TYPE}, {@code # HELP} and {@code # UNIT} of a name. */
  public static final class Family {
    private final String name;
    private String type = "untyped";
    private String help;
    private String unit;
    private final List<Sample> samples = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }

    /**
     * Returns the family name.
     *
     * @return the name
     */
    public String name() {
      return name;
    }

    /**
     * Returns the type.
     *
     * @return counter, gauge, histogram, summary, untyped, ...
     */
    public String type() {
      return type;
    }

    /**
     * Returns the help text.
     *
     * @return the help, or null when there was no HELP line
     */
    public String help() {
      return help;
    }

    /**
     * Returns the unit (OpenMetrics only).
     *
     * @return the unit, or null
     */
    public String unit() {
      return unit;
    }

    /**
     * Returns the samples.
     *
     * @return the samples
     */
    public List<Sample> samples() {
      return Collections.unmodifiableList(samples);
    }
  }

  /**
   * The parse result.
   *
   * @param families the families in order of appearance
   * @param errors one message per unreadable line
   */
  public record Result(List<Family> families, List<String> errors) {

    /**
     * Returns every sample name (series name) seen.
     *
     * @return the names, such as {@code x_bucket}, {@code x_count}
     */
    public java.util.Set<String> sampleNames() {
      java.util.Set<String> names = new java.util.TreeSet<>();
      for (Family f : families) {
        for (Sample s : f.samples) {
          names.add(s.name());
        }
      }
      return names;
    }

    /**
     * Returns every sample.
     *
     * @return the samples
     */
    public List<Sample> samples() {
      List<Sample> all = new ArrayList<>();
      families.forEach(f -> all.addAll(f.samples));
      return all;
    }
  }

  /**
   * Parses exposition text.
   *
   * @param text the text; null is treated as empty
   * @return the families and any errors
   */
  public static Result parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    if (text == null) {
      return new Result(List.of(), List.of());
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      try {
        if (line.startsWith("#")) {
          meta(line, families);
        } else {
          sample(line, families);
        }
      } catch (RuntimeException e) {
        errors.add("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new Result(List.copyOf(families.values()), List.copyOf(errors));
  }

  private static void meta(String line, Map<String, Family> families) {
    String[] parts = line.split(" ", 4);
    if (parts.length < 3) {
      return; // a comment such as "# EOF"
    }
    String kind = parts[1];
    String name = parts[2];
    String rest = parts.length > 3 ? parts[3] : "";
    switch (kind) {
      case "TYPE" -> families.computeIfAbsent(name, Family::new).type = rest.strip();
      case "HELP" -> families.computeIfAbsent(name, Family::new).help = unescape(rest, false);
      case "UNIT" -> families.computeIfAbsent(name, Family::new).unit = rest.strip();
      default -> {}
    }
  }

  private static void sample(String line, Map<String, Family> families) {
    int i = 0;
    int n = line.length();
    while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!validName(name)) {
      throw new IllegalArgumentException("invalid metric name \"" + name + "\"");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < n && line.charAt(i) == '{') {
      i++;
      while (true) {
        while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
          i++;
        }
        if (i >= n) {
          throw new IllegalArgumentException("unterminated label set");
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int start = i;
        while (i < n && line.charAt(i) != '=') {
          i++;
        }
        if (i + 1 >= n || line.charAt(i + 1) != '"') {
          throw new IllegalArgumentException("expected =\" after a label name");
        }
        String label = line.substring(start, i).strip();
        i += 2;
        StringBuilder value = new StringBuilder();
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '\\' && i < n) {
            char e = line.charAt(i++);
            value.append(e == 'n' ? '\n' : e);
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw new IllegalArgumentException("unterminated label value");
        }
        labels.put(label, value.toString());
      }
    }
    String[] rest = line.substring(i).strip().split(" ");
    if (rest.length == 0 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("missing value");
    }
    double value = parseValue(rest[0]);
    Family family = families.get(familyOf(name, families));
    if (family == null) {
      family = families.computeIfAbsent(name, Family::new);
    }
    family.samples.add(new Sample(name, Collections.unmodifiableMap(labels), value));
  }

  private static String familyOf(String sample, Map<String, Family> families) {
    if (families.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created", "_info")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (families.containsKey(base)) {
          return base;
        }
      }
    }
    return sample;
  }

  static double parseValue(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  /**
   * Returns whether a name is a valid Prometheus metric name.
   *
   * @param name the name
   * @return true if it matches {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
   */
  public static boolean validName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || c == '_'
              || c == ':'
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String unescape(String s, boolean quotes) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        sb.append(e == 'n' ? '\n' : e);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
