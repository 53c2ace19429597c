package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.context.RequestIdSanitizer.Rejection;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RequestIdSanitizerProperties {

  private static final String ALLOWED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:+/=";

  @Property
  void whateverComesInWhatGoesOutIsSafe(@ForAll String incoming) {
    RequestIdSanitizer sanitizer = RequestIdSanitizer.ofDefaults();
    String out = sanitizer.sanitize(incoming);
    assertThat(out).isNotEmpty().hasSizeLessThanOrEqualTo(128);
    assertThat(out.chars()).allMatch(c -> ALLOWED.indexOf(c) >= 0);
    assertThat(sanitizer.isAcceptable(out)).isTrue();
  }

  @Property
  void wellFormedIdsPassUnchanged(@ForAll("wellFormed") String id) {
    assertThat(RequestIdSanitizer.ofDefaults().sanitize(id)).isSameAs(id);
  }

  @Property
  void anyLineBreakIsReplacedAndCounted(
      @ForAll("wellFormed") String head, @ForAll("lineBreaks") String breaks, @ForAll String tail) {
    RequestIdSanitizer sanitizer = RequestIdSanitizer.builder().minter(() -> "fresh").build();
    String out = sanitizer.sanitize(head + breaks + tail);
    assertThat(out).isEqualTo("fresh");
    assertThat(sanitizer.rejectedCount(Rejection.LINE_BREAK)).isEqualTo(1);
    assertThat(sanitizer.rejectedCount()).isEqualTo(1);
  }

  @Property
  void anythingOverTheLimitIsReplaced(
      @ForAll @IntRange(min = 16, max = 256) int max, @ForAll("wellFormed") String seed) {
    RequestIdSanitizer sanitizer =
        RequestIdSanitizer.builder().maxLength(max).minter(() -> "fresh").build();
    String longId = seed.repeat(max / seed.length() + 2).substring(0, max + 1);
    assertThat(sanitizer.sanitize(longId)).isEqualTo("fresh");
    assertThat(sanitizer.sanitize(longId.substring(0, max))).isEqualTo(longId.substring(0, max));
    assertThat(sanitizer.rejectedCount(Rejection.TOO_LONG)).isEqualTo(1);
  }

  @Property
  void anyQuoteOrControlCharacterIsReplaced(
      @ForAll("wellFormed") String head,
      @ForAll("quotesAndControls") char bad,
      @ForAll("wellFormed") String tail) {
    RequestIdSanitizer sanitizer = RequestIdSanitizer.builder().minter(() -> "fresh").build();
    assertThat(sanitizer.sanitize(head + bad + tail)).isEqualTo("fresh");
    assertThat(sanitizer.rejectedCount()).isEqualTo(1);
  }

  @Provide
  Arbitrary<String> wellFormed() {
    return Arbitraries.strings().withChars(ALLOWED.toCharArray()).ofMinLength(1).ofMaxLength(64);
  }

  @Provide
  Arbitrary<String> lineBreaks() {
    return Arbitraries.strings().withChars('\r', '\n').ofMinLength(1).ofMaxLength(3);
  }

  @Provide
  Arbitrary<Character> quotesAndControls() {
    return Arbitraries.oneOf(
        Arbitraries.chars().range('\u0000', '\u001f'),
        Arbitraries.of('"', '\'', '\u007f', '\u0085', '\u2028', '\u2029'));
  }
}
