package dev.reliability.spring.boot.autoconfigure.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigValue;
import dev.reliability.core.config.Setting;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.policy.internal.PolicyKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The mapping between canonical keys and the application.yml forms of a policy's settings. */
class PolicyKeysProperties {

  record Key(String component, String name, String setting) {}

  @Provide
  Arbitrary<String> names() {
    Arbitrary<Character> first = Arbitraries.chars().alpha().numeric();
    Arbitrary<String> rest =
        Arbitraries.strings().alpha().numeric().withChars('-', '_').ofMaxLength(127);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Provide
  Arbitrary<Key> keys() {
    List<Map.Entry<String, List<Setting<?>>>> components =
        List.copyOf(PolicyKeys.components().entrySet());
    return Combinators.combine(Arbitraries.of(components), names(), Arbitraries.integers())
        .as(
            (c, n, i) ->
                new Key(
                    c.getKey(), n, c.getValue().get(Math.floorMod(i, c.getValue().size())).name()));
  }

  @Property
  void theCanonicalKeyOfEveryComponentSettingIsAnsweredByThePolicyThenTheKeyedPolicyForm(
      @ForAll("keys") Key k) {
    assertThat(PolicyKeys.declaredForms(PolicyKeys.canonical(k.component(), k.name(), k.setting())))
        .containsExactly(
            "reliability.policies." + k.name() + "." + k.component() + "." + k.setting(),
            "reliability.keyed-policies." + k.name() + "." + k.component() + "." + k.setting());
  }

  @Property
  void aKeyedPolicysBoundsAreAnsweredByItsBlock(@ForAll("names") String name) {
    for (String bound : PolicyKeys.keyedBounds()) {
      assertThat(PolicyKeys.declaredForms("reliability.keyed." + name + "." + bound))
          .containsExactly("reliability.keyed-policies." + name + "." + bound);
    }
  }

  @Property
  void anyTextAsANameIsMappedWhenValidAndIgnoredOtherwise(
      @ForAll @StringLength(max = 300) String name) {
    List<String> forms = PolicyKeys.declaredForms("reliability.retry." + name + ".max-retries");
    if (PolicyKeys.isValidName(name)) {
      assertThat(forms).hasSize(2);
    } else {
      assertThat(forms).isEmpty();
    }
  }

  @Property(tries = 10)
  void aHostileNameOf64KilobytesIsRefusedAfterOneLengthCheck(
      @ForAll @StringLength(min = 65_536, max = 65_536) String name) {
    long start = System.nanoTime();
    assertThat(PolicyKeys.isValidName(name)).isFalse();
    assertThat(PolicyKeys.declaredForms("reliability.retry." + name + ".max-retries")).isEmpty();
    assertThat(PolicyKeys.shown(name)).hasSizeLessThan(100);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Property
  void sharedKeysAndOtherKeysHaveNoPolicyForm(@ForAll("keys") Key k) {
    assertThat(PolicyKeys.declaredForms("reliability." + k.component() + "." + k.setting()))
        .isEmpty();
    assertThat(PolicyKeys.declaredForms("reliability.health." + k.name() + ".x")).isEmpty();
    assertThat(
            PolicyKeys.declaredForms(
                PolicyKeys.canonical(k.component(), k.name(), k.setting()) + ".deeper"))
        .isEmpty();
  }

  @Property(tries = 200)
  void springConfigSourceReadsThePolicyFormUnderTheCanonicalKeyAndTheCanonicalKeyWins(
      @ForAll("keys") Key k, @ForAll boolean canonicalToo) {
    Assume.that(!k.setting().equals("enabled"));
    String canonical = PolicyKeys.canonical(k.component(), k.name(), k.setting());
    String declared = PolicyKeys.declaredForms(canonical).get(0);
    StandardEnvironment environment = new StandardEnvironment();
    Map<String, Object> values =
        canonicalToo ? Map.of(declared, "1", canonical, "2") : Map.of(declared, "1");
    environment.getPropertySources().addFirst(new MapPropertySource("test", values));

    Optional<ConfigValue> value = SpringConfigSource.of(environment).get(canonical);

    assertThat(value).isPresent();
    assertThat(value.get().key()).isEqualTo(canonical);
    assertThat(value.get().text()).isEqualTo(canonicalToo ? "2" : "1");
    if (!canonicalToo) {
      assertThat(value.get().origin()).startsWith(declared + " in ");
    }
  }

  @Example
  void aComponentBlockTurnsTheComponentOnUnlessEnabledIsSet() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "test",
                Map.of(
                    "reliability.policies.quote.timelimiter.timeout", "2s",
                    "reliability.policies.quote.bulkhead.max-concurrent-calls", "3",
                    "reliability.policies.quote.bulkhead.enabled", "false")));
    SpringConfigSource source = SpringConfigSource.of(environment);

    assertThat(source.get("reliability.timelimiter.quote.enabled"))
        .hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("true"));
    assertThat(source.get("reliability.bulkhead.quote.enabled"))
        .hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("false"));
    assertThat(source.get("reliability.retry.quote.enabled")).isEmpty();
  }

  @Example
  void aTemplatesSourceAnswersOnlyFromItsOwnBlock() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "test",
                Map.of(
                    "reliability.templates.standard.retry.max-retries", "4",
                    "reliability.retry.standard.max-retries", "9",
                    "reliability.policies.standard.retry.max-retries", "8")));

    assertThat(
            SpringConfigSource.of(environment)
                .template("standard")
                .get("reliability.retry.standard.max-retries"))
        .hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("4"));
  }
}
