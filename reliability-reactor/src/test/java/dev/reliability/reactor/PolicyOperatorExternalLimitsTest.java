package dev.reliability.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.ExternalBulkhead;
import dev.reliability.core.policy.ExternalRateLimiter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RateLimiterConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Limits kept outside the policy (the cluster module's fleet-wide ones) are driven by the operator
 * as by synchronous calls: each permit given back exactly once, waits on the scheduler, refusals
 * with the limiter's retry-after.
 */
class PolicyOperatorExternalLimitsTest {

  /** A bulkhead of a fixed size that counts what it hands out and gets back. */
  static final class CountingBulkhead implements ExternalBulkhead {
    final int max;
    final AtomicInteger inUse = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    final AtomicLong rejected = new AtomicLong();

    CountingBulkhead(int max) {
      this.max = max;
    }

    @Override
    public boolean tryAcquire() {
      if (inUse.incrementAndGet() > max) {
        inUse.decrementAndGet();
        rejected.incrementAndGet();
        return false;
      }
      return true;
    }

    @Override
    public void release() {
      released.incrementAndGet();
      inUse.decrementAndGet();
    }

    @Override
    public BulkheadConfig config() {
      return BulkheadConfig.ofMaxConcurrentCalls(max);
    }

    @Override
    public int availablePermits() {
      return max - inUse.get();
    }

    @Override
    public long rejectedCalls() {
      return rejected.get();
    }
  }

  /** A rate limiter that answers what it is told to. */
  static final class ScriptedLimiter implements ExternalRateLimiter {
    volatile long answer;

    @Override
    public long acquire(long maxWaitNanos) {
      return answer;
    }

    @Override
    public RateLimiterConfig config() {
      return RateLimiterConfig.builder().limit(1).maxWait(Duration.ofMinutes(1)).build();
    }

    @Override
    public int availablePermits() {
      return 0;
    }

    @Override
    public Duration nextPermitIn() {
      return Duration.ZERO;
    }

    @Override
    public long permittedCalls() {
      return 0;
    }

    @Override
    public long rejectedCalls() {
      return 0;
    }

    @Override
    public Optional<io.github.resilience4j.ratelimiter.RateLimiter> resilience4j() {
      return Optional.empty();
    }
  }

  @Test
  void anExternalBulkheadGetsEachPermitBackOnceOnCompletionErrorAndCancellation() {
    CountingBulkhead bulkhead = new CountingBulkhead(1);
    Policy policy = Policy.builder("fleet-bulkhead").bulkhead(bulkhead).build();
    PolicyOperator<String> op = PolicyOperator.of(policy);

    StepVerifier.create(Mono.just("a").transformDeferred(op)).expectNext("a").verifyComplete();
    StepVerifier.create(
            Mono.<String>error(new ServiceUnavailableException("b", "down")).transformDeferred(op))
        .expectError(ServiceUnavailableException.class)
        .verify(Duration.ofSeconds(5));
    var running = Mono.<String>never().transformDeferred(op).subscribe();
    StepVerifier.create(Mono.just("refused").transformDeferred(op))
        .expectError(BulkheadFullException.class)
        .verify(Duration.ofSeconds(5));
    running.dispose();
    running.dispose();

    assertThat(bulkhead.released).hasValue(3);
    assertThat(bulkhead.inUse).hasValue(0);
    assertThat(bulkhead.rejected).hasValue(1);
  }

  @Test
  void anExternalRateLimitersWaitIsADelayAndItsRefusalCarriesItsRetryAfter() {
    ScriptedLimiter limiter = new ScriptedLimiter();
    Policy policy = Policy.builder("fleet-rate").rateLimiter(limiter).build();

    limiter.answer = Duration.ofSeconds(3).toNanos();
    StepVerifier.withVirtualTime(() -> Mono.just("a").transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(2999))
        .thenAwait(Duration.ofMillis(1))
        .expectNext("a")
        .verifyComplete();

    limiter.answer = -Duration.ofSeconds(7).toNanos();
    StepVerifier.create(Mono.just("b").transformDeferred(PolicyOperator.of(policy)))
        .expectErrorSatisfies(
            e ->
                assertThat(((RateLimitExceededException) e).retryAfter())
                    .contains(Duration.ofSeconds(7)))
        .verify(Duration.ofSeconds(5));
  }
}
