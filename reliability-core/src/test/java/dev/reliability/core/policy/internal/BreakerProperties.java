package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The breaker's time-based window, now driven by its own state classes, must open, close and report
 * rates exactly as a plain Resilience4j breaker with the same settings does, through every state.
 * The count-based window has its own property in {@link CountWindowProperties}.
 */
class BreakerProperties {

  private static final Duration SLOW = Duration.ofSeconds(1);
  private static final Duration WAIT_IN_OPEN = Duration.ofSeconds(10);
  private static final RuntimeException FAILURE = new IllegalStateException("failed");

  /**
   * One step: 0 a success, 1 a failure, 2 a slow success, 3 a slow failure, 4 the open wait
   * passing, 5 and 6 time passing by 300 ms and 1.7 s; now and then a reset, a forced state or
   * disabling.
   */
  @Property(tries = 300)
  void timeBasedWindowBehavesAsResilience4jsOwn(
      @ForAll @IntRange(min = 1, max = 8) int seconds,
      @ForAll @IntRange(min = 1, max = 12) int minimumCalls,
      @ForAll @IntRange(min = 1, max = 100) int failurePercent,
      @ForAll @IntRange(min = 1, max = 100) int slowPercent,
      @ForAll @IntRange(min = 1, max = 5) int halfOpenCalls,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 6) Integer> steps,
      @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 299) Integer> resetsAt,
      @ForAll @IntRange(min = 0, max = 3) int resetKind) {
    ManualTimeSource time = ManualTimeSource.create();
    CircuitBreakerConfig config =
        CircuitBreakerConfig.builder()
            .failureThreshold(0)
            .slidingWindowType(CircuitBreakerConfig.WindowType.TIME_BASED)
            .slidingWindowSize(seconds)
            .minimumCalls(minimumCalls)
            .failureRateThreshold(failurePercent / 100.0)
            .slowCallRateThreshold(slowPercent / 100.0)
            .slowCallThreshold(SLOW)
            .waitInOpen(WAIT_IN_OPEN)
            .halfOpenCalls(halfOpenCalls)
            .build();
    Breaker ours = new Breaker("ours", config, time, (from, to) -> {}, new Stats());
    io.github.resilience4j.circuitbreaker.CircuitBreaker theirs =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "theirs", Breaker.resilience4jConfig(config, time));

    for (int n = 0; n < steps.size(); n++) {
      int step = steps.get(n);
      if (resetsAt.contains(n)) {
        int kind = (resetKind + n) % 4;
        manage(ours, kind);
        manage(theirs, kind);
      }
      if (step >= 4) {
        time.advance(
            step == 4
                ? WAIT_IN_OPEN.plusMillis(1)
                : step == 5 ? Duration.ofMillis(300) : Duration.ofMillis(1700));
        continue;
      }
      boolean failed = (step & 1) != 0;
      long nanos = (step & 2) != 0 ? SLOW.toNanos() + 1 : 1_000_000;
      boolean oursPermits = ours.tryAcquire();
      boolean theirsPermits = theirs.tryAcquirePermission();
      assertThat(oursPermits).isEqualTo(theirsPermits);
      if (oursPermits) {
        if (failed) {
          ours.onFailure(nanos, FAILURE, false);
          theirs.onError(nanos, TimeUnit.NANOSECONDS, FAILURE);
        } else {
          ours.onSuccess(nanos, true);
          theirs.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
      }
      assertThat(ours.state()).isEqualTo(Breaker.map(theirs.getState()));
      assertThat(ours.failureRate()).isEqualTo(theirs.getMetrics().getFailureRate());
      assertThat(ours.slowCallRate()).isEqualTo(theirs.getMetrics().getSlowCallRate());
      assertThat(ours.bufferedCalls()).isEqualTo(theirs.getMetrics().getNumberOfBufferedCalls());
    }
  }

  /** 0 reset, 1 forced open, 2 forced closed (metrics only), 3 disabled. */
  private static void manage(Breaker b, int kind) {
    switch (kind) {
      case 0 -> b.reset();
      case 1 -> b.forceOpen();
      case 2 -> b.forceClosed();
      default -> b.disable();
    }
  }

  private static void manage(io.github.resilience4j.circuitbreaker.CircuitBreaker b, int kind) {
    switch (kind) {
      case 0 -> b.reset();
      case 1 -> b.transitionToForcedOpenState();
      case 2 -> b.transitionToMetricsOnlyState();
      default -> b.transitionToDisabledState();
    }
  }
}
