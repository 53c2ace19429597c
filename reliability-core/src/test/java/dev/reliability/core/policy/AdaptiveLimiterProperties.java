package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class AdaptiveLimiterProperties {

  /** One step: 0 acquire, 1 success, 2 drop, 3 ignore, 4 release without a permit, 5 advance. */
  record Step(int kind, int partition, long latencyMicros) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 2),
            Arbitraries.longs().between(0, 2_000_000))
        .as(Step::new)
        .list()
        .ofMaxSize(400);
  }

  @Property(tries = 300)
  void theLimitStaysWithinItsBoundsAndInFlightNeitherExceedsItNorGoesNegative(
      @ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 30) int min,
      @ForAll @IntRange(min = 0, max = 60) int span,
      @ForAll boolean aimd,
      @ForAll @DoubleRange(min = 1.05, max = 3.0) double tolerance) {
    int max = min + span;
    AdaptiveLimitConfig config =
        AdaptiveLimitConfig.builder()
            .algorithm(aimd ? Algorithm.AIMD : Algorithm.GRADIENT)
            .minLimit(min)
            .maxLimit(max)
            .initialLimit(min + span / 2)
            .tolerance(tolerance)
            .latencyThreshold(Duration.ofMillis(500))
            .probeInterval(Duration.ofMillis(100))
            .partition("health", 0.1)
            .partition("priority", 0.3)
            .build();
    ManualTimeSource time = ManualTimeSource.create();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("p", config, time);
    AdaptiveLimiter.Partition[] partitions = {
      limiter.defaultPartition(), limiter.partition("health"), limiter.partition("priority")
    };
    List<ArrayDeque<Long>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(new ArrayDeque<>());
    }
    for (Step s : steps) {
      AdaptiveLimiter.Partition p = partitions[s.partition()];
      ArrayDeque<Long> mine = held.get(s.partition());
      switch (s.kind()) {
        case 0 -> {
          int limitBefore = limiter.limit();
          int inFlightBefore = limiter.inFlight();
          if (p.tryAcquire()) {
            mine.push(time.nanoTime());
            assertThat(limiter.inFlight()).isLessThanOrEqualTo(limitBefore);
          } else {
            assertThat(limiter.inFlight()).isEqualTo(inFlightBefore);
          }
        }
        case 1, 2, 3 -> {
          if (!mine.isEmpty()) {
            long latency = time.nanoTime() - mine.pop();
            if (s.kind() == 1) {
              p.onSuccess(latency);
            } else if (s.kind() == 2) {
              p.onDropped(latency);
            } else {
              p.onIgnored();
            }
          }
        }
        case 4 -> {
          if (mine.isEmpty()) {
            p.onSuccess(s.latencyMicros() * 1_000);
          }
        }
        default -> time.advance(Duration.ofNanos(s.latencyMicros() * 1_000));
      }
      assertThat(limiter.limit()).isBetween(min, max);
      assertThat(limiter.inFlight())
          .isEqualTo(held.stream().mapToInt(ArrayDeque::size).sum())
          .isNotNegative();
      for (int i = 0; i < 3; i++) {
        assertThat(partitions[i].inFlight()).isEqualTo(held.get(i).size());
      }
    }
  }

  @Property(tries = 500)
  void anyPartitionsTextParsesToValidSharesOrIsRefusedWithTheRule(
      @ForAll @StringLength(max = 80) String text) {
    try {
      Map<String, Double> parsed = AdaptiveLimitConfig.PARTITIONS.parse(text);
      assertThat(AdaptiveLimitConfig.PARTITIONS.accepts(parsed)).isTrue();
      assertThat(parsed.values().stream().mapToDouble(Double::doubleValue).sum())
          .isLessThanOrEqualTo(1.0 + 1e-9);
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessage(AdaptiveLimitConfig.PARTITIONS.rule());
    }
  }

  @Property(tries = 200)
  void wellFormedPartitionsTextParsesToItsPairs(
      @ForAll @Size(max = 3)
          List<@StringLength(min = 1, max = 8) @net.jqwik.api.constraints.AlphaChars String> names,
      @ForAll @DoubleRange(min = 0.01, max = 0.33) double share) {
    List<String> distinct = names.stream().distinct().filter(n -> !n.equals("default")).toList();
    StringBuilder text = new StringBuilder();
    for (String n : distinct) {
      text.append(text.length() == 0 ? "" : ", ").append(n).append(" = ").append(share);
    }
    Map<String, Double> parsed = AdaptiveLimitConfig.PARTITIONS.parse(text.toString());
    assertThat(parsed.keySet()).containsExactlyElementsOf(distinct);
    assertThat(parsed.values()).allMatch(v -> v == share);
    assertThatThrownBy(() -> AdaptiveLimitConfig.PARTITIONS.parse(text + ",x=0.5,y=0.6"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
