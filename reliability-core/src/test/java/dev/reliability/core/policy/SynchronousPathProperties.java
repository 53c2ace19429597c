package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * A policy without listener, rate limiter, time limit or value rules runs a call's first attempt on
 * a shorter path than the general loop; the two paths must not differ in anything observable. The
 * same script of calls runs through a policy without listener and one with a listener that does
 * nothing (which takes the general loop), and results, clock, statistics and breaker state must
 * agree.
 */
class SynchronousPathProperties {

  /** What one attempt does after taking {@code millis} of the manual clock. */
  enum Outcome {
    OK,
    UNAVAILABLE,
    INVALID,
    CHECKED
  }

  record Attempt(Outcome outcome, int millis) {}

  /** One call: its attempts in order, the pause before it, and whether it has a fallback. */
  record Call(List<Attempt> attempts, int pauseMillis, boolean fallback, boolean checked) {}

  @Property(tries = 300)
  void bothPathsAgree(@ForAll @Size(min = 1, max = 30) List<@From("calls") Call> script) {
    assertThat(run(script, PolicyListener.NONE)).isEqualTo(run(script, new PolicyListener() {}));
  }

  @Property(tries = 100)
  void bothPathsAgreeWithoutRetry(
      @ForAll @Size(min = 1, max = 30) List<@From("calls") Call> script) {
    assertThat(runBreakerOnly(script, PolicyListener.NONE))
        .isEqualTo(runBreakerOnly(script, new PolicyListener() {}));
  }

  @Provide
  Arbitrary<Call> calls() {
    Arbitrary<Attempt> attempt =
        Combinators.combine(
                Arbitraries.frequency(
                    Tuple.of(6, Outcome.OK),
                    Tuple.of(4, Outcome.UNAVAILABLE),
                    Tuple.of(1, Outcome.INVALID),
                    Tuple.of(1, Outcome.CHECKED)),
                Arbitraries.integers().between(0, 3000))
            .as(Attempt::new);
    return Combinators.combine(
            attempt.list().ofMinSize(1).ofMaxSize(4),
            Arbitraries.integers().between(0, 5000),
            Arbitraries.of(false, true),
            Arbitraries.of(false, true))
        .as(Call::new);
  }

  private static CircuitBreakerConfig breaker() {
    return CircuitBreakerConfig.builder()
        .failureThreshold(3)
        .failureRateThreshold(0.5)
        .slidingWindowType(CircuitBreakerConfig.WindowType.COUNT_BASED)
        .slidingWindowSize(4)
        .minimumCalls(4)
        .slowCallThreshold(Duration.ofSeconds(2))
        .slowCallRateThreshold(1.0)
        .waitInOpen(Duration.ofSeconds(3))
        .halfOpenCalls(1)
        .build();
  }

  private static List<Object> run(List<Call> script, PolicyListener listener) {
    ManualScheduler scheduler = ManualScheduler.create();
    Policy policy =
        Policy.builder("paths")
            .retry(
                RetryConfig.builder()
                    .maxRetries(2)
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ofMillis(700)))
                    .noBudget()
                    .build())
            .circuitBreaker(breaker())
            .bulkhead(BulkheadConfig.builder().maxConcurrentCalls(2).maxWait(Duration.ZERO).build())
            .scheduler(scheduler)
            .listener(listener)
            .build();
    List<Object> trace = play(policy, scheduler, script);
    Retry retry = policy.retry().orElseThrow();
    trace.add(
        List.of(
            retry.successfulWithoutRetry(),
            retry.successfulAfterRetry(),
            retry.failedWithoutRetry(),
            retry.failedAfterRetry(),
            retry.exhausted(),
            retry.retries()));
    Bulkhead bulkhead = policy.bulkhead().orElseThrow();
    trace.add(List.of(bulkhead.availablePermits(), bulkhead.rejectedCalls()));
    policy.close();
    return trace;
  }

  private static List<Object> runBreakerOnly(List<Call> script, PolicyListener listener) {
    ManualScheduler scheduler = ManualScheduler.create();
    Policy policy =
        Policy.builder("paths")
            .circuitBreaker(breaker())
            .scheduler(scheduler)
            .listener(listener)
            .build();
    List<Object> trace = play(policy, scheduler, script);
    policy.close();
    return trace;
  }

  private static List<Object> play(Policy policy, ManualScheduler scheduler, List<Call> script) {
    List<Object> trace = new ArrayList<>();
    for (Call call : script) {
      scheduler.advance(Duration.ofMillis(call.pauseMillis()));
      Iterator<Attempt> attempts = call.attempts().iterator();
      Fallback<String> fallback =
          call.fallback()
              ? Fallback.<String>of(e -> "fallback").on(ServiceUnavailableException.class)
              : null;
      try {
        Object result;
        if (call.checked()) {
          result = policy.call(() -> attempt(attempts, scheduler), fallback);
        } else {
          result =
              policy.execute(
                  () -> {
                    try {
                      return attempt(attempts, scheduler);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  },
                  fallback);
        }
        trace.add("returned " + result);
      } catch (Exception e) {
        trace.add(
            "threw "
                + e.getClass().getSimpleName()
                + " "
                + e.getMessage()
                + " suppressed "
                + e.getSuppressed().length);
      }
      trace.add("at " + scheduler.timeSource().nanoTime());
    }
    trace.add(scheduler.sleeps());
    for (CallOutcome outcome : CallOutcome.values()) {
      trace.add(
          outcome + " " + policy.stats().calls(outcome) + " " + policy.stats().totalNanos(outcome));
    }
    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
    trace.add(
        List.of(
            breaker.state(),
            breaker.bufferedCalls(),
            breaker.successfulCalls(),
            breaker.failedCalls(),
            breaker.slowSuccessfulCalls(),
            breaker.slowFailedCalls(),
            breaker.rejectedCalls(),
            breaker.ignoredCalls(),
            breaker.openings()));
    return trace;
  }

  /** Takes the next attempt of the script, or succeeds when the script has none left. */
  private static String attempt(Iterator<Attempt> attempts, ManualScheduler scheduler)
      throws IOException {
    if (!attempts.hasNext()) {
      return "ok";
    }
    Attempt a = attempts.next();
    scheduler.advance(Duration.ofMillis(a.millis()));
    switch (a.outcome()) {
      case OK:
        return "ok after " + a.millis();
      case UNAVAILABLE:
        throw new ServiceUnavailableException("downstream", "down", null);
      case INVALID:
        throw new DataValidationException("bad");
      default:
        throw new IOException("reset");
    }
  }
}
