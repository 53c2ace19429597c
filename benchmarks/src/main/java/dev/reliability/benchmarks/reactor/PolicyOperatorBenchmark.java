package dev.reliability.benchmarks.reactor;

import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.reactor.PolicyOperator;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One successful {@code Mono} through a closed circuit breaker, a retry and a bulkhead, subscribed
 * and waited for with {@code block()}: this library's {@link PolicyOperator} against the equivalent
 * resilience4j-reactor chain ({@code BulkheadOperator}, then {@code CircuitBreakerOperator}, then
 * {@code RetryOperator}, the same order as the policy's: retry outermost), with the same settings
 * as {@code PolicyBenchmark}: a count-based window of 100 calls, 50% failure rate, 60 s open, 3
 * half-open calls; 2 retries 100 ms apart; a bulkhead of 25 permits without waiting. Each thread
 * has its own policy and its own Resilience4j instances, and both operators are built once, so the
 * measured time is the per-subscription cost.
 *
 * <p>Measured with 1 thread by {@link OneThread} and with 2 by {@link TwoThreads}, in one run:
 * {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * 'dev.reliability.benchmarks.reactor.*' -prof gc -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public abstract class PolicyOperatorBenchmark {

  static final int WINDOW = 100;
  static final Duration WAIT_IN_OPEN = Duration.ofSeconds(60);
  static final int HALF_OPEN_CALLS = 3;
  static final int MAX_RETRIES = 2;
  static final Duration RETRY_DELAY = Duration.ofMillis(100);
  static final int BULKHEAD = 25;

  /** One thread's policy, Resilience4j instances and the operators over them. */
  @State(Scope.Thread)
  public static class PerThread {
    Policy policy;
    PolicyOperator<String> ours;
    BulkheadOperator<String> r4jBulkhead;
    CircuitBreakerOperator<String> r4jBreaker;
    RetryOperator<String> r4jRetry;

    static {
      // Logback without configuration logs DEBUG, and Resilience4j logs every call at DEBUG;
      // a service runs at INFO. Once, in class initialisation, before the threads' setups race.
      ((ch.qos.logback.classic.Logger)
              org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @Setup(Level.Trial)
    public void setUp() {
      policy =
          Policy.builder("bench")
              .circuitBreaker(
                  CircuitBreakerConfig.builder()
                      .slidingWindowSize(WINDOW)
                      .minimumCalls(WINDOW)
                      .failureRateThreshold(0.5)
                      .waitInOpen(WAIT_IN_OPEN)
                      .halfOpenCalls(HALF_OPEN_CALLS)
                      .build())
              .retry(
                  RetryConfig.builder()
                      .maxRetries(MAX_RETRIES)
                      .backoff(Backoff.fixed(RETRY_DELAY))
                      .jitter(Jitter.NONE)
                      .build())
              .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(BULKHEAD))
              .build();
      ours = PolicyOperator.of(policy);
      r4jBulkhead =
          BulkheadOperator.of(
              Bulkhead.of(
                  "bench",
                  io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                      .maxConcurrentCalls(BULKHEAD)
                      .maxWaitDuration(Duration.ZERO)
                      .build()));
      r4jBreaker =
          CircuitBreakerOperator.of(
              CircuitBreaker.of(
                  "bench",
                  io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                      .slidingWindowSize(WINDOW)
                      .minimumNumberOfCalls(WINDOW)
                      .failureRateThreshold(50)
                      .waitDurationInOpenState(WAIT_IN_OPEN)
                      .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
                      .build()));
      r4jRetry =
          RetryOperator.of(
              Retry.of(
                  "bench",
                  io.github.resilience4j.retry.RetryConfig.custom()
                      .maxAttempts(MAX_RETRIES + 1)
                      .waitDuration(RETRY_DELAY)
                      .build()));
      // Both sides wait on the parallel scheduler; start it before measuring.
      Schedulers.parallel();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      policy.close();
    }
  }

  /** {@code Mono.just(x).transformDeferred(PolicyOperator.of(policy)).block()}. */
  @Benchmark
  public String policyOperator(PerThread s) {
    return Mono.just("ok").transformDeferred(s.ours).block();
  }

  /** The resilience4j-reactor chain with the same components, then {@code block()}. */
  @Benchmark
  public String resilience4jReactor(PerThread s) {
    return Mono.just("ok")
        .transformDeferred(s.r4jBulkhead)
        .transformDeferred(s.r4jBreaker)
        .transformDeferred(s.r4jRetry)
        .block();
  }

  /** The same methods, on one thread. */
  @Threads(1)
  public static class OneThread extends PolicyOperatorBenchmark {}

  /** The same methods, on two threads, each with its own policy and instances. */
  @Threads(2)
  public static class TwoThreads extends PolicyOperatorBenchmark {}
}
