package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.internal.ThrottleWindow;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class AdaptiveThrottleProperties {

  /** What a step of a run does. */
  enum Step {
    TRY,
    ACCEPTED,
    REJECTED,
    WAIT
  }

  @Property(tries = 300)
  void theProbabilityStaysInItsRangeAndTheCountsAreThoseOfTheWindow(
      @ForAll @Size(max = 300) List<Step> steps,
      @ForAll @LongRange(min = 1, max = 4_000) long gapMillis,
      @ForAll @IntRange(min = 1, max = 20) int buckets,
      @ForAll @DoubleRange(min = 1.0, max = 5.0) double k,
      @ForAll @IntRange(min = 0, max = 20) int minimumRequests,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double ceiling,
      @ForAll long seed) {
    ManualTimeSource time = ManualTimeSource.create();
    Duration window = Duration.ofSeconds(10);
    long bucketNanos = window.toNanos() / buckets;
    ThrottleConfig config =
        ThrottleConfig.builder()
            .window(window)
            .buckets(buckets)
            .k(k)
            .minimumRequests(minimumRequests)
            .maxRejectionProbability(ceiling)
            .build();
    AdaptiveThrottle throttle =
        AdaptiveThrottle.create("p", config, time, new SplittableRandom(seed)::nextDouble);
    // A model of the window: counts by epoch.
    Map<Long, long[]> model = new HashMap<>();
    long elapsed = 0;
    long previousRequests = 0;
    long previousAccepts = 0;
    long previousEpoch = 0;
    for (Step step : steps) {
      long epoch = elapsed / bucketNanos;
      long[] counts = model.computeIfAbsent(epoch, e -> new long[2]);
      switch (step) {
        case TRY -> {
          throttle.tryAcquire();
          counts[0]++;
        }
        case ACCEPTED -> {
          throttle.onAccepted();
          counts[1]++;
        }
        case REJECTED -> throttle.onRejected();
        case WAIT -> {
          time.advance(Duration.ofMillis(gapMillis));
          elapsed += Duration.ofMillis(gapMillis).toNanos();
          epoch = elapsed / bucketNanos;
        }
      }
      long requests = 0;
      long accepts = 0;
      for (Map.Entry<Long, long[]> e : model.entrySet()) {
        if (e.getKey() > epoch - buckets && e.getKey() <= epoch) {
          requests += e.getValue()[0];
          accepts += e.getValue()[1];
        }
      }
      assertThat(throttle.requests()).isEqualTo(requests);
      assertThat(throttle.accepts()).isEqualTo(accepts);
      double p = throttle.rejectionProbability();
      assertThat(p).isGreaterThanOrEqualTo(0.0).isLessThan(1.0).isLessThanOrEqualTo(ceiling);
      assertThat(p)
          .isEqualTo(
              Math.min(ceiling, ThrottleWindow.probability(requests, accepts, k, minimumRequests)));
      if (epoch == previousEpoch) {
        // Inside a bucket the counts only grow.
        assertThat(requests).isGreaterThanOrEqualTo(previousRequests);
        assertThat(accepts).isGreaterThanOrEqualTo(previousAccepts);
      }
      previousEpoch = epoch;
      previousRequests = requests;
      previousAccepts = accepts;
    }
    assertThat(throttle.throttledCalls())
        .isLessThanOrEqualTo(steps.stream().filter(s -> s == Step.TRY).count());
  }
}
