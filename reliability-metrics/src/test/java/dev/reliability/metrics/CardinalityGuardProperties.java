package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class CardinalityGuardProperties {

  @Property(tries = 200)
  void admitsExactlyTheFirstDistinctValuesAndCountsTheRest(
      @ForAll @Size(max = 300) List<@StringLength(max = 3) String> values,
      @ForAll @IntRange(min = 1, max = 40) int cap) {
    CardinalityGuard guard =
        CardinalityGuard.builder("m", "t").maxValues(cap).build(new SimpleMeterRegistry());
    Set<String> firstDistinct = new LinkedHashSet<>();
    long expectedOverflow = 0;
    for (String v : values) {
      if (firstDistinct.size() < cap) {
        firstDistinct.add(v);
      }
      String admitted = guard.admit(v);
      if (firstDistinct.contains(v)) {
        assertThat(admitted).isEqualTo(v);
      } else {
        assertThat(admitted).isEqualTo(CardinalityGuard.OVERFLOW);
        expectedOverflow++;
      }
    }
    assertThat(guard.size()).isEqualTo(firstDistinct.size());
    assertThat(guard.overflowCount()).isEqualTo(expectedOverflow);
  }
}
