package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.ExternalBulkhead;
import dev.reliability.core.policy.ExternalRateLimiter;
import dev.reliability.core.policy.RateLimiterConfig;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FleetLimitFilterTest {

  private final AtomicInteger calls = new AtomicInteger();
  private final FilterChain chain = (request, response) -> calls.incrementAndGet();

  @Test
  void aRefusedRatePermitIs429WithTheLimitersRetryAfterAndTheRouteDoesNotRun() {
    FakeRateLimiter limiter = new FakeRateLimiter(-Duration.ofMillis(250).toNanos());
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    FleetLimitFilter filter = new FleetLimitFilter("quote-fleet", limiter, bulkhead);

    assertThatThrownBy(() -> filter.doFilter(null, null, chain))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.component()).isEqualTo("quote-fleet");
              assertThat(e.retryAfter()).contains(Duration.ofMillis(250));
            });
    assertThat(calls).hasValue(0);
    assertThat(bulkhead.taken).isZero();
  }

  @Test
  void anAdmittedRequestHoldsABulkheadPermitWhileItRunsAndGivesItBack() throws Exception {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    FleetLimitFilter filter = new FleetLimitFilter("quote-fleet", new FakeRateLimiter(0), bulkhead);
    AtomicInteger heldDuringCall = new AtomicInteger(-1);

    filter.doFilter(null, null, (request, response) -> heldDuringCall.set(bulkhead.held()));

    assertThat(heldDuringCall).hasValue(1);
    assertThat(bulkhead.held()).isZero();
  }

  @Test
  void aFullFleetBulkheadIsBulkheadFullAndTheRouteDoesNotRun() {
    FakeBulkhead bulkhead = new FakeBulkhead(0);
    FleetLimitFilter filter = new FleetLimitFilter("quote-fleet", new FakeRateLimiter(0), bulkhead);

    assertThatThrownBy(() -> filter.doFilter(null, null, chain))
        .isInstanceOf(BulkheadFullException.class)
        .hasMessageContaining("quote-fleet");
    assertThat(calls).hasValue(0);
    assertThat(bulkhead.released).isZero();
  }

  @Test
  void theBulkheadPermitComesBackWhenTheRouteThrows() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    FleetLimitFilter filter = new FleetLimitFilter("quote-fleet", new FakeRateLimiter(0), bulkhead);

    assertThatThrownBy(
            () ->
                filter.doFilter(
                    null,
                    null,
                    (request, response) -> {
                      throw new IllegalStateException("route failed");
                    }))
        .hasMessage("route failed");
    assertThat(bulkhead.taken).isEqualTo(1);
    assertThat(bulkhead.released).isEqualTo(1);
  }

  @Test
  void withoutABulkheadOnlyTheRateLimitApplies() throws Exception {
    FleetLimitFilter filter = new FleetLimitFilter("quote-fleet", new FakeRateLimiter(0), null);

    filter.doFilter(null, null, chain);

    assertThat(calls).hasValue(1);
  }

  /** Answers every acquire with the same value. */
  private static final class FakeRateLimiter implements ExternalRateLimiter {
    private final long answer;

    FakeRateLimiter(long answer) {
      this.answer = answer;
    }

    @Override
    public long acquire(long maxWaitNanos) {
      return answer;
    }

    @Override
    public RateLimiterConfig config() {
      return RateLimiterConfig.perSecond(20);
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
  }

  /** A fixed number of permits, counting takes and returns. */
  private static final class FakeBulkhead implements ExternalBulkhead {
    private final int max;
    int taken;
    int released;

    FakeBulkhead(int max) {
      this.max = max;
    }

    int held() {
      return taken - released;
    }

    @Override
    public boolean tryAcquire() {
      if (held() >= max) {
        return false;
      }
      taken++;
      return true;
    }

    @Override
    public void release() {
      released++;
    }

    @Override
    public BulkheadConfig config() {
      return BulkheadConfig.ofMaxConcurrentCalls(Math.max(1, max));
    }

    @Override
    public int availablePermits() {
      return max - held();
    }

    @Override
    public long rejectedCalls() {
      return 0;
    }
  }
}
