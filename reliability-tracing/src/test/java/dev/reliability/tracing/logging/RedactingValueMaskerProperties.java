package dev.reliability.tracing.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonStreamContext;
import dev.reliability.core.redaction.Redactor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RedactingValueMaskerProperties {

  private final RedactingValueMasker masker = new RedactingValueMasker();

  private static JsonStreamContext field(String name) {
    return new JsonStreamContext(JsonStreamContext.TYPE_OBJECT, 0) {
      @Override
      public JsonStreamContext getParent() {
        return null;
      }

      @Override
      public String getCurrentName() {
        return name;
      }
    };
  }

  @Property
  void anyValueUnderASensitiveFieldIsMaskedWhole(
      @ForAll("sensitiveNames") String name, @ForAll String value) {
    assertThat(masker.mask(field(name), value)).isEqualTo(Redactor.MASK);
  }

  @Property
  void aSecretAfterASensitiveKeyNeverSurvivesInText(
      @ForAll("prose") String before,
      @ForAll("sensitiveNames") String key,
      @ForAll("secrets") String secret) {
    String text = before + " " + key + "=" + secret + " end";
    Object masked = masker.mask(field("message"), text);
    assertThat(masked).isInstanceOf(String.class);
    assertThat((String) masked).doesNotContain(secret).contains(Redactor.MASK);
  }

  @Property
  void cleanTextIsLeftAlone(@ForAll("prose") String text) {
    assertThat(masker.mask(field("message"), text)).isNull();
  }

  @Property(tries = 2000)
  void theFastPathSkipsOnlyTextTheRedactorWouldLeaveAlone(@ForAll("mixed") String text) {
    if (!masker.mayHoldSecret(text)) {
      assertThat(masker.redactor().redact(text)).isEqualTo(text);
    }
  }

  @Property
  void nonTextValuesAreLeftAlone(@ForAll int number) {
    assertThat(masker.mask(field("count"), number)).isNull();
  }

  @Provide
  Arbitrary<String> sensitiveNames() {
    Arbitrary<String> word = Arbitraries.of("password", "token", "api_key", "secret", "apiKey");
    Arbitrary<String> prefix = Arbitraries.of("", "db_", "x-", "user.");
    return Combinators.combine(prefix, word).as((p, w) -> p + w);
  }

  @Provide
  Arbitrary<String> secrets() {
    // A digit keeps a secret from also occurring in the letters-only prose around it.
    return Arbitraries.strings().alpha().numeric().ofMinLength(8).ofMaxLength(24).map(s -> "7" + s);
  }

  @Provide
  Arbitrary<String> mixed() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "password",
            "token",
            "Bearer ",
            "basic ",
            "eyJhbGciOi",
            "4111 1111 1111 1111",
            "bob@example.com",
            "https://u:p@h/",
            "=",
            ":",
            " ",
            "abc",
            "1234567",
            "-",
            "apikey ",
            "AKIAIOSFODNN7EXAMPLE",
            "-----BEGIN PRIVATE KEY-----",
            "hooks.slack.com/services/T0/B0/x",
            "?code",
            "&key",
            ";jwt",
            "x".repeat(70_000));
    return pieces.list().ofMaxSize(8).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> prose() {
    return Arbitraries.strings().withChars("abcdefghij klmnop").ofMaxLength(40);
  }
}
