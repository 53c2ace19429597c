package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The path every call takes while a breaker is open: cheap, and exactly as informative. */
class OpenBreakerRejectionTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  private Policy openPolicy(String name) {
    Policy policy =
        Policy.builder(name)
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
            .scheduler(scheduler)
            .build();
    try {
      policy.execute(
          () -> {
            throw new ServiceUnavailableException("backend", "down");
          });
    } catch (ServiceUnavailableException expected) {
      // opens the breaker
    }
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
    return policy;
  }

  @Test
  void rejectionCarriesTheExactTimeLeftAndReadsLikeTheEagerException() {
    Policy policy = openPolicy("payments");
    scheduler.advance(Duration.ofSeconds(20).plusNanos(123));

    CircuitOpenException e =
        catchThrowableOfType(CircuitOpenException.class, () -> policy.execute(() -> "never"));

    Duration left = Duration.ofSeconds(40).minusNanos(123);
    CircuitOpenException eager = new CircuitOpenException("payments", "OPEN", left);
    assertThat(e.retryAfter()).contains(left);
    assertThat(e).hasMessage(eager.getMessage());
    assertThat(e.getMessage())
        .isEqualTo("Circuit breaker 'payments' is OPEN and does not permit calls");
    assertThat(e.details()).containsExactlyEntriesOf(eager.details());
    assertThat(e.details().get("retry_after_ms")).isEqualTo(39_999L);
    assertThat(e.code()).isEqualTo("CIRCUIT_OPEN");
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.component()).isEqualTo("payments");
    assertThat(e.state()).isEqualTo("OPEN");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e).hasToString(eager.toString());
  }

  @Test
  void forcedOpenRejectionHasNoRetryAfterLikeBefore() {
    Policy policy = openPolicy("payments");
    policy.circuitBreaker().orElseThrow().forceOpen();

    CircuitOpenException e =
        catchThrowableOfType(CircuitOpenException.class, () -> policy.execute(() -> "never"));

    assertThat(e.retryAfter()).isEmpty();
    assertThat(e.details())
        .containsExactlyEntriesOf(
            new CircuitOpenException("payments", "FORCED_OPEN", null).details());
    assertThat(e).hasMessage("Circuit breaker 'payments' is FORCED_OPEN and does not permit calls");
  }

  @Test
  void rejectionsOfAnOpenBreakerAllocateAFractionOfAKilobyte() {
    Policy plain = openPolicy("payments");
    Fallback<String> cached = Fallback.of(failure -> "cached");
    Policy withFallback = openPolicy("quotes");
    int calls = 20_000;
    // The tests log the library at DEBUG; a service runs at INFO, where no event is built.
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Policy.class);
    ch.qos.logback.classic.Level level = log.getLevel();
    log.setLevel(ch.qos.logback.classic.Level.INFO);
    try {
      // Warm up, then measure: the bytes allocated per rejected call stay far below the 1.1 KB
      // the eager message, details map and redaction cost, with or without a fallback.
      bytesPerRejection(plain, null, calls);
      assertThat(bytesPerRejection(plain, null, calls)).isLessThan(512);
      assertThat(bytesPerRejection(withFallback, cached, calls)).isLessThan(512);
    } finally {
      log.setLevel(level);
    }
  }

  private static long bytesPerRejection(Policy policy, Fallback<String> fallback, int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long rejected = 0;
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      if (fallback == null) {
        try {
          policy.execute(() -> "never");
        } catch (CircuitOpenException expected) {
          rejected++;
        }
      } else if ("cached".equals(policy.execute(() -> "never", fallback))) {
        rejected++;
      }
    }
    long bytes = threads.getThreadAllocatedBytes(thread) - before;
    System.out.println("bytes per rejected call: " + bytes / calls);
    assertThat(rejected).isEqualTo(calls);
    return bytes / calls;
  }
}
