package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.ConcurrencyLimitExceededException;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The snippets of the "Adaptive concurrency limit" section of docs/fault-tolerance.md. */
class AdaptiveLimitGuideTest {

  @Test
  void aPolicyWithAnAdaptiveLimitAndTrafficClasses() {
    ThreadLocal<String> trafficClass = new ThreadLocal<>();
    Policy inventory =
        Policy.builder("inventory")
            .retry(RetryConfig.ofDefaults())
            .adaptiveLimit(
                AdaptiveLimitConfig.builder().maxLimit(100).partition("checkout", 0.3).build())
            .trafficClass(trafficClass::get)
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .build();

    AdaptiveLimiter limiter = inventory.adaptiveLimit().orElseThrow();
    System.out.printf(
        "limit %d, in flight %d, refused %d, latency %d ns over a baseline of %d ns%n",
        limiter.limit(),
        limiter.inFlight(),
        limiter.rejectedCalls(),
        limiter.latencyEstimateNanos(),
        limiter.baselineLatencyNanos());

    assertThat(inventory.execute(() -> "in stock")).isEqualTo("in stock");
    assertThat(limiter.partition("checkout").share()).isEqualTo(0.3);
    inventory.close();
  }

  @Test
  void aStandaloneLimiterInFrontOfAServer() {
    ManualTimeSource time = ManualTimeSource.create();
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("http-server", AdaptiveLimitConfig.ofDefaults(), time);
    AdaptiveLimiter.Partition requests = limiter.defaultPartition();

    boolean served = false;
    if (requests.tryAcquire()) {
      long start = time.nanoTime();
      try {
        served = true; // handle the request
        requests.onSuccess(time.nanoTime() - start);
      } catch (RuntimeException e) {
        requests.onIgnored();
        throw e;
      }
    } else {
      // answer 503 with a Retry-After header
    }

    assertThat(served).isTrue();
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void aRefusalBecomesA503WithRetryAfter() {
    ProblemDetail problem =
        ProblemDetailFactory.ofDefaults()
            .create(
                new ConcurrencyLimitExceededException("inventory", 12, "default", 1_000_000_000L),
                "req-1");

    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.errorCode()).isEqualTo("CONCURRENCY_LIMIT_EXCEEDED");
    assertThat(problem.retryAfterHeader()).contains("1");
  }
}
