package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.internal.Checks;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The key check of keyed policies on any text: a key is accepted exactly when it has 1 to the
 * maximum characters and no control character, and a refusal's message is short, shows no raw
 * control character and names the rule.
 */
class KeyValidatorProperties {

  private static final KeyedPolicyConfig CONFIG =
      KeyedPolicyConfig.builder().maxKeyLength(40).build();

  @Property(tries = 1_000)
  void aKeyIsAcceptedExactlyWhenShortAndFreeOfControlCharacters(@ForAll("keys") String key) {
    boolean valid =
        !key.isEmpty() && key.length() <= 40 && key.chars().noneMatch(Character::isISOControl);
    if (valid) {
      assertThat(CONFIG.checkKey(key)).isSameAs(key);
    } else {
      assertThatThrownBy(() -> CONFIG.checkKey(key))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(
              e -> {
                String m = e.getMessage();
                assertThat(m)
                    .startsWith("key must be 1 to 40 characters without control characters, was");
                assertThat(m.chars().noneMatch(Character::isISOControl)).isTrue();
                assertThat(m.length()).isLessThan(200 + 6 * Checks.SHOWN_MAX);
              });
    }
  }

  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> printable =
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(0).ofMaxLength(60);
    Arbitrary<String> anything = Arbitraries.strings().all().ofMinLength(0).ofMaxLength(60);
    Arbitrary<String> huge =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(300).ofMaxLength(70_000);
    return Arbitraries.oneOf(printable, anything, huge);
  }
}
