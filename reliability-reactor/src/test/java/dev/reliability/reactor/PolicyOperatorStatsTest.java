package dev.reliability.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.RejectionReason;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Reactive calls are counted exactly as synchronous ones: the same scenario through {@code
 * Policy.execute} and through the operator gives the same statistics, retry counts, breaker state
 * and listener events, so metrics read from the policy cannot tell them apart.
 */
class PolicyOperatorStatsTest {

  /** Records every listener event but durations, which differ between runs. */
  private static final class Recorder extends PolicyListener {
    final List<String> events = new ArrayList<>();

    @Override
    public Object onCallStart(String policy) {
      events.add("call-start");
      return null;
    }

    @Override
    public void onAttemptStart(String policy, Object handle, int attempt, CircuitState state) {
      events.add("attempt-start " + attempt + " " + state);
    }

    @Override
    public void onAttemptEnd(
        String policy, Object handle, int attempt, Throwable failure, long nanos) {
      events.add("attempt-end " + attempt + " " + (failure == null ? "ok" : name(failure)));
    }

    @Override
    public void onRetry(String policy, Object handle, int next, Throwable failure, long delay) {
      events.add("retry " + next + " after " + Duration.ofNanos(delay));
    }

    @Override
    public void onRejected(
        String policy, Object handle, RejectionReason reason, Duration retryAfter) {
      events.add("rejected " + reason);
    }

    @Override
    public void onCallEnd(
        String policy,
        Object handle,
        CallOutcome outcome,
        Throwable failure,
        int attempts,
        long nanos) {
      events.add(
          "call-end " + outcome + " " + attempts + " " + (failure == null ? "" : name(failure)));
    }

    private static String name(Throwable t) {
      return t.getClass().getSimpleName();
    }
  }

  private static Policy policy(Recorder recorder) {
    return Policy.builder("same")
        .scheduler(ManualScheduler.create())
        .listener(recorder)
        .circuitBreaker(
            CircuitBreakerConfig.builder()
                .failureThreshold(4)
                .waitInOpen(Duration.ofMinutes(1))
                .build())
        .retry(
            RetryConfig.builder()
                .maxRetries(2)
                .backoff(Backoff.fixed(Duration.ofMillis(1)))
                .jitter(Jitter.NONE)
                .noBudget()
                .build())
        .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(2))
        .build();
  }

  /** Call i's attempts fail until the i-th: 0 succeeds at once, 1 after a retry, 3 never. */
  private static final int[] FAILURES = {0, 1, 3, 3, 0};

  @Test
  void aScenarioThroughTheOperatorCountsAsTheSameScenarioThroughExecute() {
    Recorder syncEvents = new Recorder();
    Policy sync = policy(syncEvents);
    List<String> syncResults = new ArrayList<>();
    for (int failures : FAILURES) {
      Supplier<String> call = failingSupplier(failures);
      try {
        syncResults.add(sync.execute(call));
      } catch (RuntimeException e) {
        syncResults.add(e.getClass().getSimpleName());
      }
    }

    Recorder reactiveEvents = new Recorder();
    Policy reactive = policy(reactiveEvents);
    List<String> reactiveResults = new ArrayList<>();
    for (int failures : FAILURES) {
      Supplier<String> call = failingSupplier(failures);
      try {
        reactiveResults.add(
            Mono.fromSupplier(call)
                .transformDeferred(PolicyOperator.of(reactive))
                .block(Duration.ofSeconds(10)));
      } catch (RuntimeException e) {
        reactiveResults.add(e.getClass().getSimpleName());
      }
    }

    assertThat(reactiveResults)
        .containsExactlyElementsOf(syncResults)
        .containsExactly(
            "ok",
            "ok",
            "ServiceUnavailableException",
            "ServiceUnavailableException",
            "CircuitOpenException");
    assertThat(reactiveEvents.events).containsExactlyElementsOf(syncEvents.events);
    for (CallOutcome o : CallOutcome.values()) {
      assertThat(reactive.stats().calls(o)).as(o.name()).isEqualTo(sync.stats().calls(o));
    }
    assertThat(reactive.retry().orElseThrow().retries())
        .isEqualTo(sync.retry().orElseThrow().retries())
        .isEqualTo(3);
    assertThat(reactive.circuitBreaker().orElseThrow().state())
        .isEqualTo(sync.circuitBreaker().orElseThrow().state())
        .isEqualTo(CircuitState.OPEN);
    assertThat(reactive.bulkhead().orElseThrow().availablePermits()).isEqualTo(2);
  }

  private static Supplier<String> failingSupplier(int failures) {
    AtomicInteger attempts = new AtomicInteger();
    return () -> {
      if (attempts.incrementAndGet() <= failures) {
        throw new ServiceUnavailableException("backend", "down");
      }
      return "ok";
    };
  }
}
