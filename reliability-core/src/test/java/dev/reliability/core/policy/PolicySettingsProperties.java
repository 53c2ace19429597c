package dev.reliability.core.policy;

import static dev.reliability.test.SettingAgreement.agree;
import static dev.reliability.test.SettingAgreement.text;

import dev.reliability.core.config.SettingValues;
import dev.reliability.test.SettingAgreement.Case;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Each policy setting's rule lives once: a builder setter accepts a value exactly when a
 * configuration source accepts its text, and refuses it with the source path's key and rule.
 */
class PolicySettingsProperties {

  static final List<Case<Integer>> INTS =
      List.of(
          new Case<>(
              CircuitBreakerConfig.FAILURE_THRESHOLD,
              v -> CircuitBreakerConfig.builder().failureThreshold(v)),
          new Case<>(
              CircuitBreakerConfig.SLIDING_WINDOW_SIZE,
              v -> CircuitBreakerConfig.builder().slidingWindowSize(v)),
          new Case<>(
              CircuitBreakerConfig.MINIMUM_CALLS,
              v -> CircuitBreakerConfig.builder().minimumCalls(v)),
          new Case<>(
              CircuitBreakerConfig.HALF_OPEN_CALLS,
              v -> CircuitBreakerConfig.builder().halfOpenCalls(v)),
          new Case<>(RetryConfig.MAX_RETRIES, v -> RetryConfig.builder().maxRetries(v)),
          new Case<>(RetryConfig.BUDGET_RESERVE, v -> RetryBudget.of(0.2, v)),
          new Case<>(
              BulkheadConfig.MAX_CONCURRENT_CALLS,
              v -> BulkheadConfig.builder().maxConcurrentCalls(v)),
          new Case<>(RateLimiterConfig.LIMIT, v -> RateLimiterConfig.builder().limit(v)),
          new Case<>(
              TimeLimiterConfig.MAX_CONCURRENT_ATTEMPTS,
              v -> TimeLimiterConfig.builder().maxConcurrentAttempts(v)),
          new Case<>(HedgeConfig.MIN_SAMPLES, v -> HedgeConfig.builder().minSamples(v)),
          new Case<>(HedgeConfig.MAX_HEDGES, v -> HedgeConfig.builder().maxHedges(v)),
          new Case<>(ThrottleConfig.BUCKETS, v -> ThrottleConfig.builder().buckets(v)),
          new Case<>(
              ThrottleConfig.MINIMUM_REQUESTS, v -> ThrottleConfig.builder().minimumRequests(v)));

  static final List<Case<Duration>> DURATIONS =
      List.of(
          new Case<>(
              CircuitBreakerConfig.SLOW_CALL_THRESHOLD,
              v -> CircuitBreakerConfig.builder().slowCallThreshold(v)),
          new Case<>(
              CircuitBreakerConfig.WAIT_IN_OPEN, v -> CircuitBreakerConfig.builder().waitInOpen(v)),
          new Case<>(
              CircuitBreakerConfig.MAX_WAIT_IN_HALF_OPEN,
              v -> CircuitBreakerConfig.builder().maxWaitInHalfOpen(v)),
          new Case<>(RetryConfig.MAX_DURATION, v -> RetryConfig.builder().maxDuration(v)),
          new Case<>(RetryConfig.INITIAL_DELAY, Backoff::fixed),
          new Case<>(RetryConfig.MAX_DELAY, v -> Backoff.linear(Duration.ZERO, v)),
          new Case<>(BulkheadConfig.MAX_WAIT, v -> BulkheadConfig.builder().maxWait(v)),
          new Case<>(BulkheadConfig.RETRY_AFTER, v -> BulkheadConfig.builder().retryAfter(v)),
          new Case<>(RateLimiterConfig.PERIOD, v -> RateLimiterConfig.builder().period(v)),
          new Case<>(RateLimiterConfig.MAX_WAIT, v -> RateLimiterConfig.builder().maxWait(v)),
          new Case<>(TimeLimiterConfig.TIMEOUT, v -> TimeLimiterConfig.builder().timeout(v)),
          new Case<>(HedgeConfig.DELAY, v -> HedgeConfig.builder().delay(v)),
          new Case<>(HedgeConfig.MIN_DELAY, v -> HedgeConfig.builder().minDelay(v)),
          new Case<>(HedgeConfig.MAX_DELAY, v -> HedgeConfig.builder().maxDelay(v)),
          new Case<>(HedgeConfig.PERCENTILE_WINDOW, v -> HedgeConfig.builder().percentileWindow(v)),
          new Case<>(ThrottleConfig.WINDOW, v -> ThrottleConfig.builder().window(v)),
          new Case<>(ThrottleConfig.RETRY_AFTER, v -> ThrottleConfig.builder().retryAfter(v)),
          new Case<>(ChaosConfig.LATENCY, v -> ChaosConfig.builder().latency(v, 0)));

  static final List<Case<Double>> DECIMALS =
      List.of(
          new Case<>(
              CircuitBreakerConfig.FAILURE_RATE_THRESHOLD,
              v -> CircuitBreakerConfig.builder().failureRateThreshold(v)),
          new Case<>(
              CircuitBreakerConfig.SLOW_CALL_RATE_THRESHOLD,
              v -> CircuitBreakerConfig.builder().slowCallRateThreshold(v)),
          new Case<>(
              RetryConfig.MULTIPLIER,
              v -> Backoff.exponential(Duration.ZERO, v, Duration.ofSeconds(1))),
          new Case<>(RetryConfig.BUDGET_RATIO, v -> RetryBudget.of(v, 10)),
          new Case<>(HedgeConfig.DELAY_PERCENTILE, v -> HedgeConfig.builder().delayPercentile(v)),
          new Case<>(ThrottleConfig.K, v -> ThrottleConfig.builder().k(v)),
          new Case<>(
              ThrottleConfig.MAX_REJECTION_PROBABILITY,
              v -> ThrottleConfig.builder().maxRejectionProbability(v)),
          new Case<>(ChaosConfig.FAULT_RATE, v -> ChaosConfig.builder().faultRate(v)),
          new Case<>(
              ChaosConfig.LATENCY_RATE, v -> ChaosConfig.builder().latency(Duration.ZERO, v)),
          new Case<>(ChaosConfig.RESULT_RATE, v -> ChaosConfig.builder().result(() -> "stale", v)));

  @Property(tries = 300)
  void aWholeNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("ints") int value) {
    for (Case<Integer> c : INTS) {
      agree(c, value, Integer.toString(value));
    }
  }

  @Property(tries = 300)
  void aDurationIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("durations") Duration value) {
    for (Case<Duration> c : DURATIONS) {
      agree(c, value, text(value));
    }
  }

  @Property(tries = 300)
  void aNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("decimals") double value) {
    for (Case<Double> c : DECIMALS) {
      agree(c, value, text(value));
    }
  }

  @Provide
  static Arbitrary<Integer> ints() {
    return SettingValues.ints();
  }

  @Provide
  static Arbitrary<Duration> durations() {
    return SettingValues.durations();
  }

  @Provide
  static Arbitrary<Double> decimals() {
    return SettingValues.decimals();
  }
}
