package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.internal.SteppedCall;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The step-by-step call that asynchronous runtimes drive: it keeps the policy's statistics and
 * permits as the policy's own calls do.
 */
class SteppedCallTest {

  private final ManualScheduler clock = ManualScheduler.create();

  @Test
  void aFailedAttemptIsRetriedAfterTheBackoffAndTheSuccessCounted() throws Throwable {
    Policy policy =
        Policy.builder("stepped")
            .scheduler(clock)
            .retry(
                RetryConfig.builder()
                    .maxRetries(1)
                    .backoff(Backoff.fixed(Duration.ofSeconds(2)))
                    .jitter(Jitter.NONE)
                    .noBudget()
                    .build())
            .build();
    SteppedCall call = SteppedCall.start(policy);

    assertThat(call.admit()).isZero();
    assertThat(call.enter()).isTrue();
    long next = call.attemptEnded(null, new ServiceUnavailableException("b", "down"), true, true);
    assertThat(next).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(call.admit()).isZero();
    assertThat(call.enter()).isTrue();
    assertThat(call.attemptEnded("ok", null, true, true)).isEqualTo(SteppedCall.RETURN_VALUE);
    call.succeed("ok");

    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(1);
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
  }

  @Test
  void aFailureIsNotRetriedWhenTheRuntimeSaysItMayNotBe() throws Throwable {
    Policy policy =
        Policy.builder("stepped-no-retry")
            .scheduler(clock)
            .retry(RetryConfig.builder().maxRetries(3).noBudget().build())
            .build();
    SteppedCall call = SteppedCall.start(policy);
    call.admit();
    call.enter();

    long next = call.attemptEnded(null, new ServiceUnavailableException("b", "down"), true, false);

    assertThat(next).isEqualTo(SteppedCall.FAIL);
    assertThatThrownBy(() -> call.fail(new IllegalStateException("x"), null)).hasMessage("x");
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void aCancelledAttemptGivesItsBulkheadPermitBackAndIsNotAnOutcome() {
    Policy policy =
        Policy.builder("stepped-bulkhead")
            .scheduler(clock)
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(1))
            .build();
    SteppedCall first = SteppedCall.start(policy);
    first.admit();
    assertThat(first.enter()).isTrue();
    SteppedCall second = SteppedCall.start(policy);
    second.admit();
    assertThat(second.enter()).isFalse();
    assertThat(second.failure()).isInstanceOf(BulkheadFullException.class);

    first.attemptCancelled();
    first.cancelled();

    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isZero();
  }

  @Test
  void aFullBulkheadRefusesAtOnceWhateverItsMaxWait() {
    Policy policy =
        Policy.builder("stepped-no-wait")
            .scheduler(clock)
            .bulkhead(
                BulkheadConfig.builder()
                    .maxConcurrentCalls(1)
                    .maxWait(Duration.ofSeconds(30))
                    .build())
            .build();
    SteppedCall first = SteppedCall.start(policy);
    first.admit();
    assertThat(first.enter()).isTrue();
    SteppedCall second = SteppedCall.start(policy);
    second.admit();

    // A synchronous call would park its thread up to 30 s; an asynchronous runtime never waits.
    boolean entered = assertTimeoutPreemptively(Duration.ofSeconds(10), second::enter);

    assertThat(entered).isFalse();
    assertThat(second.failure()).isInstanceOf(BulkheadFullException.class);
  }

  @Test
  void aHedgingPolicyCannotBeSteppedAndSaysWhy() {
    Policy policy =
        Policy.builder("stepped-hedge")
            .scheduler(clock)
            .hedge(HedgeConfig.builder().delay(Duration.ofMillis(10)).build())
            .build();

    assertThatThrownBy(() -> SteppedCall.start(policy))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage(
            "Policy 'stepped-hedge' hedges: hedging is not supported by the Reactor operator");
  }
}
