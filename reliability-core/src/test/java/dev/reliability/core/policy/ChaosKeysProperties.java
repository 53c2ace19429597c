package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class ChaosKeysProperties {

  @Property(tries = 500)
  void parsedKeysAreTrimmedNonEmptyAndFreeOfCommas(@ForAll @StringLength(max = 300) String text) {
    Set<String> keys = ChaosConfig.parseKeys(text);

    for (String key : keys) {
      assertThat(key).isNotEmpty().isEqualTo(key.trim()).doesNotContain(",");
    }
    assertThat(keys.size()).isLessThanOrEqualTo((text.length() + 1) / 2);
  }

  @Property(tries = 500)
  void keysJoinedWithCommasAndSpacesParseBackToThemselves(
      @ForAll List<@StringLength(min = 1, max = 20) String> raw) {
    List<String> keys =
        raw.stream().map(k -> k.replace(",", "").trim()).filter(k -> !k.isEmpty()).toList();

    Set<String> parsed = ChaosConfig.parseKeys(" " + String.join(" , ", keys) + " ,");

    assertThat(parsed).containsExactlyInAnyOrderElementsOf(Set.copyOf(keys));
  }

  @Property(tries = 200)
  void everyKeysValueTheSettingAcceptsBindsOrIsRefusedWithItsRule(
      @ForAll @StringLength(max = 5000) String text) {
    boolean accepted = ChaosConfig.KEYS.accepts(text);

    assertThat(accepted).isEqualTo(text.length() <= 4096);
  }
}
