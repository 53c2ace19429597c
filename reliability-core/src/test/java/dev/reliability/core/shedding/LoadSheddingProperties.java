package dev.reliability.core.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * The parsers of outside input: the traffic-class header (any value, of any length, lands in a
 * known partition or the default one and never throws) and the request path matched against the
 * exempt paths (agrees with a segment-by-segment model), plus the exempt-paths setting's parser.
 */
class LoadSheddingProperties {

  private static final List<String> CLASSES = List.of("interactive", "batch.v2", "p-1");

  private final LoadShedder shedder =
      LoadShedder.create(
          LoadSheddingConfig.builder()
              .limit(
                  AdaptiveLimitConfig.builder()
                      .partition("interactive", 0.3)
                      .partition("batch.v2", 0.2)
                      .partition("p-1", 0.1)
                      .build())
              .exemptPaths(List.of("/health", "/internal/probe", "/static/"))
              .build());

  @Property(tries = 500)
  void anyTrafficClassValueNamesAKnownClassOrTheDefault(@ForAll("classValues") String value) {
    String found = shedder.trafficClass("GET", "/api", h -> value);
    String trimmed = trimBlanks(value);
    if (CLASSES.contains(trimmed)) {
      assertThat(found).isEqualTo(trimmed);
    } else {
      assertThat(found).isEqualTo("default");
    }
  }

  @Property(tries = 50)
  void aValueLongerThan64CharactersIsNeverAClass(
      @ForAll @StringLength(min = 65, max = 70_000) String value) {
    assertThat(shedder.trafficClass("GET", "/api", h -> value)).isEqualTo("default");
  }

  @Property(tries = 1000)
  void exemptionAgreesWithTheSegmentModel(@ForAll("paths") String path) {
    assertThat(shedder.isExempt(path)).isEqualTo(model(path));
  }

  @Property(tries = 300)
  void theExemptPathsParserKeepsEveryPathInOrder(@ForAll("exemptLists") List<String> paths) {
    String text = String.join(" , ", paths);
    assertThat(LoadSheddingConfig.EXEMPT_PATHS.parse(text)).containsExactlyElementsOf(paths);
  }

  /** Only spaces and tabs around a value are ignored. */
  private static String trimBlanks(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (value.charAt(to - 1) == ' ' || value.charAt(to - 1) == '\t')) {
      to--;
    }
    return value.substring(from, to);
  }

  /**
   * Exempt when the path's segments start with an exempt path's, with no encoded or dot segment.
   */
  private static boolean model(String path) {
    if (path.contains("%")) {
      return false;
    }
    String[] segments = path.split("/", -1);
    for (String s : segments) {
      if (s.equals(".") || s.equals("..")) {
        return false;
      }
    }
    List<String> list = List.of(segments);
    return startsWithSegments(list, List.of("", "health"))
        || startsWithSegments(list, List.of("", "internal", "probe"))
        || (startsWithSegments(list, List.of("", "static")) && list.size() > 2);
  }

  private static boolean startsWithSegments(List<String> path, List<String> prefix) {
    return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  @Provide
  Arbitrary<String> classValues() {
    Arbitrary<String> known = Arbitraries.of(CLASSES);
    Arbitrary<String> blanks = Arbitraries.strings().withChars(' ', '\t').ofMaxLength(3);
    Arbitrary<String> padded =
        net.jqwik.api.Combinators.combine(blanks, known, blanks).as((a, k, b) -> a + k + b);
    Arbitrary<String> near =
        Arbitraries.oneOf(
            known.map(k -> k.toUpperCase(java.util.Locale.ROOT)), known.map(k -> k + "x"));
    return Arbitraries.oneOf(padded, near, Arbitraries.strings().ofMaxLength(100));
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "health",
                "healthz",
                "internal",
                "probe",
                "static",
                "api",
                ".",
                "..",
                "",
                "%2e",
                ".well-known",
                "ready"),
            Arbitraries.strings().withChars("abh./%-").ofMaxLength(4));
    return segment.list().ofMaxSize(5).map(s -> "/" + String.join("/", s));
  }

  @Provide
  Arbitrary<List<String>> exemptLists() {
    Arbitrary<String> path =
        Arbitraries.strings()
            .withChars("abcxyz0123456789-_./")
            .ofMinLength(0)
            .ofMaxLength(20)
            .map(s -> "/" + s)
            .filter(s -> !s.contains(".."));
    return path.list()
        .ofMinSize(1)
        .ofMaxSize(LoadSheddingConfig.MAX_EXEMPT_PATHS)
        .map(ArrayList::new);
  }
}
