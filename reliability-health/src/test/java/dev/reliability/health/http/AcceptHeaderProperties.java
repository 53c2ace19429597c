package dev.reliability.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AcceptHeaderProperties {

  @Property(tries = 300)
  void neverThrowsAndAlwaysAnswers(
      @ForAll String accept, @ForAll String query, @ForAll HealthFormat defaultFormat) {
    assertThat(AcceptHeader.choose(accept, query, defaultFormat)).isNotNull();
  }

  @Property(tries = 300)
  void healthJsonWinsWhenItHasTheHighestQuality(
      @ForAll("quality") double high, @ForAll("quality") double low) {
    if (high <= low || high == 0) {
      return;
    }
    String accept = "application/json;q=" + low + ", application/health+json;q=" + high;

    assertThat(AcceptHeader.choose(accept, null, HealthFormat.JSON))
        .isEqualTo(HealthFormat.HEALTH_JSON);
  }

  @Property(tries = 300)
  void zeroQualityExcludesAType(@ForAll HealthFormat defaultFormat) {
    assertThat(AcceptHeader.choose("application/health+json;q=0", null, defaultFormat))
        .isEqualTo(defaultFormat);
  }

  @Provide
  Arbitrary<Double> quality() {
    return Arbitraries.integers().between(0, 1000).map(i -> i / 1000.0);
  }

  @Example
  void queryParameterWins() {
    assertThat(
            AcceptHeader.choose(
                "application/health+json", "format=microprofile", HealthFormat.JSON))
        .isEqualTo(HealthFormat.MICROPROFILE);
    assertThat(AcceptHeader.choose(null, "a=1&format=health%2Bjson", HealthFormat.JSON))
        .isEqualTo(HealthFormat.HEALTH_JSON);
    assertThat(AcceptHeader.choose(null, "format=ietf", HealthFormat.JSON))
        .isEqualTo(HealthFormat.HEALTH_JSON);
    assertThat(AcceptHeader.choose(null, "format=xml", HealthFormat.MICROPROFILE))
        .isEqualTo(HealthFormat.MICROPROFILE);
  }

  @Example
  void specificRangeBeatsWildcardAtEqualQuality() {
    assertThat(AcceptHeader.choose("*/*, application/health+json", null, HealthFormat.JSON))
        .isEqualTo(HealthFormat.HEALTH_JSON);
    assertThat(
            AcceptHeader.choose(
                "*/*;q=0.9, application/health+json;q=0.1", null, HealthFormat.JSON))
        .isEqualTo(HealthFormat.JSON);
    assertThat(AcceptHeader.choose("APPLICATION/HEALTH+JSON; Q=0.7", null, HealthFormat.JSON))
        .isEqualTo(HealthFormat.HEALTH_JSON);
    assertThat(AcceptHeader.choose("application/json", null, HealthFormat.HEALTH_JSON))
        .isEqualTo(HealthFormat.JSON);
    assertThat(AcceptHeader.choose("application/json;q=abc", null, HealthFormat.MICROPROFILE))
        .isEqualTo(HealthFormat.MICROPROFILE);
  }
}
