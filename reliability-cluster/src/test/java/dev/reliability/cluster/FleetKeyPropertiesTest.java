package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The key check of {@link FleetRateLimiter#forKey(String)} on any text: a key is accepted exactly
 * when it has 1 to 128 characters and no control character; a refusal names the rule, shows at most
 * the key's first 256 characters, and carries no control character into a log line.
 */
class FleetKeyPropertiesTest {

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(0).ofMaxLength(200),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(140),
        Arbitraries.strings().alpha().ofMinLength(120).ofMaxLength(70_000));
  }

  @Property(tries = 300)
  void aKeyIsAcceptedExactlyWhenItFollowsTheRule(@ForAll("keys") String key) {
    boolean valid =
        !key.isEmpty() && key.length() <= 128 && key.chars().noneMatch(Character::isISOControl);

    Throwable refusal = catchThrowable(() -> FleetRateLimiter.checkKey(key, 128));

    if (valid) {
      assertThat(refusal).isNull();
    } else {
      assertThat(refusal)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("key must be 1 to 128 characters without control characters");
      String message = refusal.getMessage();
      assertThat(message.chars().noneMatch(Character::isISOControl)).isTrue();
      assertThat(message.length()).isLessThan(100 + 256 * 6 + 40);
    }
  }
}
