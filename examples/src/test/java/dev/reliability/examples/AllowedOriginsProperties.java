package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The origin allow-list parser of the example's {@code ws-allowed-origins} setting. */
class AllowedOriginsProperties {

  @Property
  void anyTextParsesToCanonicalOriginsOrFailsWithIllegalArgument(@ForAll String text) {
    List<String> origins;
    try {
      origins = WebSocketAdmission.parseOrigins(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    for (String origin : origins) {
      assertThat(origin).matches("https?://[^/?#@\\s]+").isLowerCase();
    }
    assertThat(WebSocketAdmission.parseOrigins(String.join(",", origins))).isEqualTo(origins);
  }

  @Property
  void aWrittenDefaultPortIsTheOriginBrowsersSendWithoutIt(@ForAll("hosts") String host) {
    assertThat(
            WebSocketAdmission.parseOrigins(" https://" + host + ":443 , HTTP://" + host + ":80"))
        .containsExactly("https://" + host, "http://" + host);
    assertThat(WebSocketAdmission.parseOrigins("http://" + host + ":8080"))
        .containsExactly("http://" + host + ":8080");
  }

  @Property
  void anythingBeyondAnOriginIsRefused(
      @ForAll("hosts") String host, @ForAll("beyondAnOrigin") String suffix) {
    assertThatThrownBy(() -> WebSocketAdmission.parseOrigins("https://" + host + suffix))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<String> hosts() {
    Arbitrary<String> label =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    return Combinators.combine(label, label).as((a, b) -> a + "." + b);
  }

  @Provide
  Arbitrary<String> beyondAnOrigin() {
    return Arbitraries.of("/", "/path", "?q=1", "#frag", "/?", ":0", ":65536", ":99999", ",");
  }
}
