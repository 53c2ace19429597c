package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 12, defect 8: a duration far beyond any sensible setting ({@code 200000d}, more than the
 * 292 years a long of nanoseconds holds) used to crash start-up with {@code ArithmeticException:
 * long overflow}; it must fail with the validation message naming the setting and its range.
 */
class HugeDurationsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "RELIABILITY_TIMELIMITER_TIMEOUT, reliability.timelimiter.timeout, a duration between 1ms and 1d",
    "RELIABILITY_CIRCUITBREAKER_WAIT_IN_OPEN, reliability.circuitbreaker.wait-in-open,"
        + " a duration between 1ms and 1d",
    "RELIABILITY_CIRCUITBREAKER_SLOW_CALL_THRESHOLD, reliability.circuitbreaker.slow-call-threshold,"
        + " a duration between 1ms and 1d",
    "RELIABILITY_CIRCUITBREAKER_MAX_WAIT_IN_HALF_OPEN,"
        + " reliability.circuitbreaker.max-wait-in-half-open, a duration between 0s and 1d",
    "RELIABILITY_RETRY_MAX_DURATION, reliability.retry.max-duration, a duration between 0s and 7d",
    "RELIABILITY_RETRY_MAX_DELAY, reliability.retry.max-delay, a duration between 0s and 1d",
    "RELIABILITY_RATELIMITER_PERIOD, reliability.ratelimiter.period, a duration between 1ms and 1d",
    "RELIABILITY_RATELIMITER_MAX_WAIT, reliability.ratelimiter.max-wait,"
        + " a duration between 0s and 1h",
    "RELIABILITY_BULKHEAD_MAX_WAIT, reliability.bulkhead.max-wait, a duration between 0s and 1h",
    "RELIABILITY_BULKHEAD_RETRY_AFTER, reliability.bulkhead.retry-after,"
        + " a duration between 0s and 1d"
  })
  void hugeDurationFromTheEnvironmentFailsWithTheSettingsRange(
      String variable, String key, String rule) {
    PolicyConfig config =
        PolicyConfig.builder()
            .timeLimiter(TimeLimiterConfig.ofDefaults())
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .retry(RetryConfig.ofDefaults())
            .rateLimiter(RateLimiterConfig.ofDefaults())
            .bulkhead(BulkheadConfig.ofDefaults())
            .build();
    ConfigSource source = ConfigSource.environment(Map.of(variable, "200000d"));

    assertThatThrownBy(() -> config.withOverrides(source, "payments"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            key + " must be " + rule + ", was \"200000d\" (from environment variable " + variable);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "timeLimiter.timeout, 'timeout must be a duration between 1ms and 1d, was 200000d'",
    "circuitBreaker.waitInOpen, 'wait-in-open must be a duration between 1ms and 1d, was 200000d'",
    "circuitBreaker.slowCallThreshold, 'slow-call-threshold must be a duration between 1ms and 1d, was 200000d'",
    "circuitBreaker.maxWaitInHalfOpen, 'max-wait-in-half-open must be a duration between 0s and 1d, was 200000d'",
    "retry.maxDuration, 'max-duration must be a duration between 0s and 7d, was 200000d'",
    "rateLimiter.period, 'period must be a duration between 1ms and 1d, was 200000d'",
    "rateLimiter.maxWait, 'max-wait must be a duration between 0s and 1h, was 200000d'",
    "bulkhead.maxWait, 'max-wait must be a duration between 0s and 1h, was 200000d'",
    "bulkhead.retryAfter, 'retry-after must be a duration between 0s and 1d, was 200000d'"
  })
  void hugeDurationInABuilderFailsAtOnceWithTheRange(String setter, String message) {
    Duration huge = Duration.ofDays(200_000);
    assertThatThrownBy(() -> set(setter, huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  private static Object set(String setter, Duration value) {
    return switch (setter) {
      case "timeLimiter.timeout" -> TimeLimiterConfig.builder().timeout(value).build();
      case "circuitBreaker.waitInOpen" -> CircuitBreakerConfig.builder().waitInOpen(value).build();
      case "circuitBreaker.slowCallThreshold" ->
          CircuitBreakerConfig.builder().slowCallThreshold(value).build();
      case "circuitBreaker.maxWaitInHalfOpen" ->
          CircuitBreakerConfig.builder().maxWaitInHalfOpen(value).build();
      case "retry.maxDuration" -> RetryConfig.builder().maxDuration(value).build();
      case "rateLimiter.period" -> RateLimiterConfig.builder().period(value).build();
      case "rateLimiter.maxWait" -> RateLimiterConfig.builder().maxWait(value).build();
      case "bulkhead.maxWait" -> BulkheadConfig.builder().maxWait(value).build();
      case "bulkhead.retryAfter" -> BulkheadConfig.builder().retryAfter(value).build();
      default -> throw new AssertionError(setter);
    };
  }
}
