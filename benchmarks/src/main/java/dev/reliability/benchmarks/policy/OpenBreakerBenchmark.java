package dev.reliability.benchmarks.policy;

import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.function.CheckedSupplier;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Policy;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The path every call takes during an outage: a circuit breaker held open refuses the call without
 * running it. The breakers have the settings of {@link PolicyBenchmark} except a wait in the open
 * state of one hour, so that no breaker lets a trial call through during the run; each is opened in
 * setup by a burst of failures (a full window of them), the way an outage opens it. Measured
 * through this library's {@link Policy} (the caller catches the {@link CircuitOpenException}, or a
 * fallback answers instead), Resilience4j's {@code CircuitBreaker.decorateSupplier} (the caller
 * catches {@code CallNotPermittedException}) and Failsafe (the caller catches {@code
 * CircuitBreakerOpenException}), on one thread. The caught rejection's retry-after hint is not
 * read, as a caller that only counts refusals would not.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * OpenBreakerBenchmark -prof gc -f 2 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class OpenBreakerBenchmark {

  static final Duration WAIT_IN_OPEN = Duration.ofHours(1);

  /** The open breakers, shared as a service shares them. */
  @State(Scope.Benchmark)
  public static class Breakers {
    Policy ours;
    Fallback<String> fallback;
    Supplier<String> r4j;
    FailsafeExecutor<String> failsafe;
    final Supplier<String> call = () -> "ok";
    final CheckedSupplier<String> checkedCall = call::get;
    final Supplier<String> failing =
        () -> {
          throw new IllegalStateException("down");
        };

    @Setup(Level.Trial)
    public void setUp() {
      // Logback without configuration logs DEBUG; a service runs at INFO.
      ((ch.qos.logback.classic.Logger)
              org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.INFO);

      ours =
          Policy.builder("bench")
              .circuitBreaker(
                  CircuitBreakerConfig.builder()
                      .failureThreshold(0)
                      .failureRateThreshold(PolicyBenchmark.FAILURE_RATE_PERCENT / 100.0)
                      .slidingWindowType(CircuitBreakerConfig.WindowType.COUNT_BASED)
                      .slidingWindowSize(PolicyBenchmark.WINDOW)
                      .minimumCalls(PolicyBenchmark.WINDOW)
                      .slowCallThreshold(PolicyBenchmark.SLOW_CALL)
                      .slowCallRateThreshold(1.0)
                      .waitInOpen(WAIT_IN_OPEN)
                      .halfOpenCalls(PolicyBenchmark.HALF_OPEN_CALLS)
                      .build())
              .build();
      fallback = Fallback.of(failure -> "fallback");
      for (int i = 0; i < PolicyBenchmark.WINDOW; i++) {
        try {
          ours.execute(failing);
        } catch (IllegalStateException expected) {
          // a failure of the burst
        }
      }
      check(ours.circuitBreaker().orElseThrow().state() == CircuitState.OPEN, "ours");

      CircuitBreaker breaker =
          CircuitBreaker.of(
              "bench",
              io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.from(
                      PolicyBenchmark.r4jBreakerConfig())
                  .waitDurationInOpenState(WAIT_IN_OPEN)
                  .build());
      Supplier<String> failingR4j = CircuitBreaker.decorateSupplier(breaker, failing);
      for (int i = 0; i < PolicyBenchmark.WINDOW; i++) {
        try {
          failingR4j.get();
        } catch (IllegalStateException expected) {
          // a failure of the burst
        }
      }
      check(breaker.getState() == CircuitBreaker.State.OPEN, "Resilience4j");
      r4j = CircuitBreaker.decorateSupplier(breaker, call);

      dev.failsafe.CircuitBreaker<String> failsafeBreaker =
          dev.failsafe.CircuitBreaker.<String>builder()
              .withFailureThreshold(
                  (int) (PolicyBenchmark.WINDOW * PolicyBenchmark.FAILURE_RATE_PERCENT / 100),
                  PolicyBenchmark.WINDOW)
              .withDelay(WAIT_IN_OPEN)
              .withSuccessThreshold(PolicyBenchmark.HALF_OPEN_CALLS)
              .build();
      failsafe = Failsafe.with(failsafeBreaker);
      for (int i = 0; i < PolicyBenchmark.WINDOW; i++) {
        try {
          failsafe.get(failing::get);
        } catch (IllegalStateException | CircuitBreakerOpenException expected) {
          // a failure of the burst
        }
      }
      check(failsafeBreaker.isOpen(), "Failsafe");
    }

    private static void check(boolean open, String which) {
      if (!open) {
        throw new IllegalStateException(which + " breaker did not open");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  @Benchmark
  public Object ours(Breakers b) {
    try {
      return b.ours.execute(b.call);
    } catch (CircuitOpenException e) {
      return e;
    }
  }

  @Benchmark
  public Object oursFallback(Breakers b) {
    return b.ours.execute(b.call, b.fallback);
  }

  @Benchmark
  public Object r4j(Breakers b) {
    try {
      return b.r4j.get();
    } catch (CallNotPermittedException e) {
      return e;
    }
  }

  @Benchmark
  public Object failsafe(Breakers b) {
    try {
      return b.failsafe.get(b.checkedCall);
    } catch (CircuitBreakerOpenException e) {
      return e;
    }
  }
}
