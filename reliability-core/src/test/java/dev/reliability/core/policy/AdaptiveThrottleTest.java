package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.error.ThrottledException;
import dev.reliability.core.policy.internal.ThrottleWindow;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class AdaptiveThrottleTest {

  private final ManualTimeSource time = ManualTimeSource.create();

  @Test
  void theFormulaOfTheBookAtChosenPoints() {
    // max(0, (requests - k * accepts) / (requests + 1))
    assertThat(ThrottleWindow.probability(0, 0, 2.0, 0)).isZero();
    assertThat(ThrottleWindow.probability(100, 50, 2.0, 0)).isZero();
    assertThat(ThrottleWindow.probability(100, 100, 2.0, 0)).isZero();
    assertThat(ThrottleWindow.probability(10, 0, 2.0, 0)).isEqualTo(10.0 / 11);
    assertThat(ThrottleWindow.probability(100, 25, 2.0, 0)).isEqualTo(50.0 / 101);
    assertThat(ThrottleWindow.probability(100, 25, 1.1, 0)).isCloseTo(72.5 / 101, within(1e-12));
    // Below the minimum of requests nothing is refused.
    assertThat(ThrottleWindow.probability(9, 0, 2.0, 10)).isZero();
    assertThat(ThrottleWindow.probability(10, 0, 2.0, 10)).isEqualTo(10.0 / 11);
  }

  @Test
  void refusesWithTheProbabilityOfTheWindowBeforeTheRequestIsCounted() {
    AdaptiveThrottle throttle = throttle(ThrottleConfig.builder().minimumRequests(4), () -> 0.5);
    for (int i = 0; i < 4; i++) {
      assertThat(throttle.tryAcquire()).isTrue();
      throttle.onRejected();
    }
    assertThat(throttle.rejectionProbability()).isEqualTo(4.0 / 5);
    assertThat(throttle.tryAcquire()).isFalse();
    // The refused request counts too: 5 requests, 0 accepts.
    assertThat(throttle.requests()).isEqualTo(5);
    assertThat(throttle.accepts()).isZero();
    assertThat(throttle.throttledCalls()).isEqualTo(1);
    assertThat(throttle.rejectionProbability()).isEqualTo(5.0 / 6);

    // A draw at or above the probability lets the request through.
    AdaptiveThrottle lucky = throttle(ThrottleConfig.builder().minimumRequests(4), () -> 0.9);
    for (int i = 0; i < 4; i++) {
      lucky.tryAcquire();
    }
    assertThat(lucky.tryAcquire()).isTrue();
    assertThat(lucky.throttledCalls()).isZero();
  }

  @Test
  void acceptedRequestsKeepTheProbabilityAtZero() {
    AdaptiveThrottle throttle = throttle(ThrottleConfig.builder().minimumRequests(0), () -> 0.0);
    for (int i = 0; i < 1_000; i++) {
      assertThat(throttle.tryAcquire()).isTrue();
      throttle.onAccepted();
    }
    assertThat(throttle.requests()).isEqualTo(1_000);
    assertThat(throttle.accepts()).isEqualTo(1_000);
    assertThat(throttle.rejectionProbability()).isZero();
    assertThat(throttle.throttledCalls()).isZero();
  }

  @Test
  void recordCountsOverloadAndUnavailabilityAsRefusalsAndClientErrorsAsAccepts() {
    AdaptiveThrottle throttle = throttle(ThrottleConfig.builder(), () -> 0.0);
    throttle.tryAcquire();
    throttle.record(
        new dev.reliability.core.error.ServiceUnavailableException("inventory", "down"));
    throttle.tryAcquire();
    throttle.record(new java.net.SocketTimeoutException("read timed out"));
    throttle.tryAcquire();
    throttle.record(new dev.reliability.core.error.DataValidationException("bad sku"));
    throttle.tryAcquire();
    throttle.record(null);
    assertThat(throttle.requests()).isEqualTo(4);
    assertThat(throttle.accepts()).isEqualTo(2);
  }

  @Test
  void aRequestNotSentIsTakenBack() {
    AdaptiveThrottle throttle = throttle(ThrottleConfig.builder(), () -> 0.0);
    throttle.tryAcquire();
    throttle.tryAcquire();
    throttle.onNotSent();
    assertThat(throttle.requests()).isEqualTo(1);
  }

  @Test
  void aDependencyAtAQuarterOfTheDemandIsSentAboutTwiceWhatItAccepts() {
    // 100 calls a second offered, the dependency accepts at most 25 a second and refuses the rest
    // (the overload the book describes). Without a throttle it would refuse 75 of every 100 calls;
    // with k = 2 the client sends about 2 x 25 a second and refuses the others itself.
    AdaptiveThrottle throttle =
        throttle(ThrottleConfig.builder(), new SplittableRandom(14)::nextDouble);
    Traffic steady = run(throttle, Duration.ofMinutes(6), 100, second -> 25);
    assertThat(steady.ratio()).isCloseTo(2.0, within(0.1));
    assertThat(steady.sentFraction()).isCloseTo(0.5, within(0.05));
    assertThat(throttle.rejectionProbability()).isCloseTo(0.5, within(0.05));
  }

  @Test
  void aDependencyRefusingHalfOfItsCallsIsSentTwiceWhatItAccepts() {
    // Half of the calls sent are refused at random. With k = 2 the formula's fixed point is
    // sent = 2 x accepts, which this dependency gives for any amount sent: k x 0.5 = 1 is the
    // formula's edge, where the amount sent drifts with chance but the ratio holds.
    AdaptiveThrottle throttle =
        throttle(ThrottleConfig.builder(), new SplittableRandom(14)::nextDouble);
    Traffic traffic = runRandom(throttle, new SplittableRandom(7), 36_000);
    assertThat(traffic.ratio()).isCloseTo(2.0, within(0.05));
  }

  @Test
  void aDependencyRefusingHalfIsCutToTheCeilingWhenKIsBelowTwo() {
    // With k = 1.5 the dependency accepts less than 1 / k of what it is sent, so the formula
    // climbs to its ceiling: a tenth of the calls still go out, to see recovery.
    AdaptiveThrottle throttle =
        throttle(ThrottleConfig.builder().k(1.5), new SplittableRandom(14)::nextDouble);
    Traffic lastWindow = runRandom(throttle, new SplittableRandom(7), 36_000);
    assertThat(lastWindow.sentFraction()).isCloseTo(0.1, within(0.02));
    assertThat(throttle.rejectionProbability()).isEqualTo(0.9);

    // Without the ceiling (the book's formula) only a few percent go out.
    AdaptiveThrottle uncapped =
        throttle(
            ThrottleConfig.builder().k(1.5).maxRejectionProbability(1.0),
            new SplittableRandom(14)::nextDouble);
    assertThat(runRandom(uncapped, new SplittableRandom(7), 36_000).sentFraction())
        .isLessThan(0.07);
    assertThat(uncapped.rejectionProbability()).isGreaterThan(0.95);
  }

  @Test
  void recoversWithinTwoWindowsWhenTheDependencyHeals() {
    AdaptiveThrottle throttle =
        throttle(ThrottleConfig.builder(), new SplittableRandom(3)::nextDouble);
    // Two minutes of a dependency refusing everything: the probability is at its ceiling.
    run(throttle, Duration.ofMinutes(2), 100, second -> 0);
    assertThat(throttle.rejectionProbability()).isEqualTo(0.9);
    // It heals and accepts all it is sent. The probability falls as accepts grow and the
    // refusals slide out of the window, to zero within two windows.
    double previous = throttle.rejectionProbability();
    for (int step = 0; step < 24; step++) {
      run(throttle, Duration.ofSeconds(10), 100, second -> Integer.MAX_VALUE);
      double p = throttle.rejectionProbability();
      assertThat(p).isLessThanOrEqualTo(previous);
      previous = p;
    }
    assertThat(throttle.rejectionProbability()).isZero();
    Traffic healed = run(throttle, Duration.ofSeconds(30), 100, second -> Integer.MAX_VALUE);
    assertThat(healed.sentFraction()).isEqualTo(1.0);
  }

  @Test
  void theBookFormulaWithoutACeilingTakesManyWindowsToRecover() {
    // Why the ceiling is the default: refused requests count, so after a total outage accepts
    // grow only about fivefold per window.
    AdaptiveThrottle throttle =
        throttle(
            ThrottleConfig.builder().maxRejectionProbability(1.0),
            new SplittableRandom(3)::nextDouble);
    run(throttle, Duration.ofMinutes(2), 100, second -> 0);
    assertThat(throttle.rejectionProbability()).isGreaterThan(0.99);
    run(throttle, Duration.ofMinutes(4), 100, second -> Integer.MAX_VALUE);
    assertThat(throttle.rejectionProbability()).isGreaterThan(0.5);
    run(throttle, Duration.ofMinutes(21), 100, second -> Integer.MAX_VALUE);
    assertThat(throttle.rejectionProbability()).isZero();
  }

  @Test
  void recoveryAfterATotalOutageIsFasterUnderALowerCeiling() {
    // The figures of docs/fault-tolerance.md: 100 calls a second, two minutes of refusals, then a
    // dependency that accepts everything; seconds until the probability is back to zero.
    assertThat(secondsToRecover(1.0)).isEqualTo(781.41);
    assertThat(secondsToRecover(0.9)).isEqualTo(215.17);
    assertThat(secondsToRecover(0.8)).isEqualTo(163.57);
  }

  private static double secondsToRecover(double ceiling) {
    ManualTimeSource clock = ManualTimeSource.create();
    AdaptiveThrottle throttle =
        AdaptiveThrottle.create(
            "inventory",
            ThrottleConfig.builder().maxRejectionProbability(ceiling).build(),
            clock,
            new SplittableRandom(3)::nextDouble);
    for (int i = 0; i < 12_000; i++) {
      clock.advance(Duration.ofMillis(10));
      throttle.tryAcquire();
    }
    long millis = 0;
    while (throttle.rejectionProbability() > 0 && millis < 3_600_000) {
      clock.advance(Duration.ofMillis(10));
      millis += 10;
      if (throttle.tryAcquire()) {
        throttle.onAccepted();
      }
    }
    return millis / 1000.0;
  }

  @Test
  void theWindowSlidesByWholeBuckets() {
    // 10 s in 5 buckets of 2 s.
    AdaptiveThrottle throttle =
        throttle(
            ThrottleConfig.builder().window(Duration.ofSeconds(10)).buckets(5).minimumRequests(0),
            () -> 0.0);
    throttle.tryAcquire(); // bucket 0
    time.advance(Duration.ofMillis(1_999));
    throttle.tryAcquire(); // still bucket 0
    time.advance(Duration.ofMillis(1));
    throttle.tryAcquire(); // bucket 1
    throttle.onAccepted();
    assertThat(throttle.requests()).isEqualTo(3);
    time.advance(Duration.ofMillis(7_999)); // 9.999 s: bucket 4, bucket 0 still inside
    assertThat(throttle.requests()).isEqualTo(3);
    time.advance(Duration.ofMillis(1)); // 10 s: bucket 5 takes the slot of bucket 0
    assertThat(throttle.requests()).isEqualTo(1);
    assertThat(throttle.accepts()).isEqualTo(1);
    throttle.tryAcquire(); // counted in bucket 5, not on top of bucket 0
    assertThat(throttle.requests()).isEqualTo(2);
    time.advance(Duration.ofSeconds(2)); // 12 s: bucket 1 leaves
    assertThat(throttle.requests()).isEqualTo(1);
    assertThat(throttle.accepts()).isZero();
    time.advance(Duration.ofHours(1)); // a jump longer than the window empties it
    assertThat(throttle.requests()).isZero();
    assertThat(throttle.rejectionProbability()).isZero();
  }

  @Test
  void theRejectionCarriesTheHintAndTheProbability() {
    AdaptiveThrottle throttle =
        throttle(
            ThrottleConfig.builder().minimumRequests(1).retryAfter(Duration.ofSeconds(3)),
            () -> 0.0);
    throttle.tryAcquire();
    throttle.tryAcquire();
    throttle.tryAcquire();
    ThrottledException e = throttle.rejection();
    assertThat(e.errorCode()).isEqualTo(StandardErrorCode.THROTTLED);
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.component()).isEqualTo("inventory");
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(e.rejectionProbability()).isEqualTo(0.75);
    assertThat(e)
        .hasMessage("Throttle of 'inventory' refused the call locally (rejection probability 75%)");
    assertThat(e.details())
        .containsExactly(
            java.util.Map.entry("component", "inventory"),
            java.util.Map.entry("rejection_probability", 0.75),
            java.util.Map.entry("retry_after_ms", 3_000L));
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.details())
        .isEqualTo(new ThrottledException("inventory", Duration.ofSeconds(3), 0.75).details());

    AdaptiveThrottle noHint =
        throttle(ThrottleConfig.builder().retryAfter(Duration.ZERO), () -> 0.0);
    assertThat(noHint.rejection().retryAfter()).isEmpty();
  }

  @Test
  void createChecksItsArguments() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AdaptiveThrottle.create(" ", ThrottleConfig.ofDefaults(), time))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AdaptiveThrottle.create("x", null, time))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config must not be null");
  }

  private AdaptiveThrottle throttle(ThrottleConfig.Builder config, DoubleSupplier random) {
    return AdaptiveThrottle.create("inventory", config.build(), time, random);
  }

  /** What a run offered, sent and got accepted. */
  record Traffic(long offered, long sent, long accepted) {
    double ratio() {
      return (double) sent / accepted;
    }

    double sentFraction() {
      return (double) sent / offered;
    }
  }

  /**
   * Offers a call every 10 ms to a dependency that refuses half of them at random. Returns the
   * traffic of the last two minutes of the run.
   */
  private Traffic runRandom(AdaptiveThrottle throttle, SplittableRandom dependency, int calls) {
    long offered = 0;
    long sent = 0;
    long accepted = 0;
    for (int i = 0; i < calls; i++) {
      time.advance(Duration.ofMillis(10));
      boolean counted = i >= calls - 12_000;
      if (counted) {
        offered++;
      }
      if (!throttle.tryAcquire()) {
        continue;
      }
      if (counted) {
        sent++;
      }
      if (dependency.nextBoolean()) {
        if (counted) {
          accepted++;
        }
        throttle.onAccepted();
      } else {
        throttle.onRejected();
      }
    }
    return new Traffic(offered, sent, accepted);
  }

  /**
   * Offers {@code perSecond} calls a second, evenly spaced, to a dependency that accepts up to
   * {@code capacity.applyAsInt(second)} calls in each second and refuses the rest. Returns the
   * traffic of the last two minutes of the run (or all of it if shorter).
   */
  private Traffic run(
      AdaptiveThrottle throttle,
      Duration length,
      int perSecond,
      java.util.function.LongToIntFunction capacity) {
    long seconds = length.toSeconds();
    long offered = 0;
    long sent = 0;
    long accepted = 0;
    for (long s = 0; s < seconds; s++) {
      int room = capacity.applyAsInt(s);
      int acceptedThisSecond = 0;
      boolean counted = s >= seconds - 120;
      for (int i = 0; i < perSecond; i++) {
        time.advance(Duration.ofSeconds(1).dividedBy(perSecond));
        if (counted) {
          offered++;
        }
        if (!throttle.tryAcquire()) {
          continue;
        }
        if (counted) {
          sent++;
        }
        if (acceptedThisSecond < room) {
          acceptedThisSecond++;
          if (counted) {
            accepted++;
          }
          throttle.onAccepted();
        } else {
          throttle.onRejected();
        }
      }
    }
    return new Traffic(offered, sent, accepted);
  }
}
