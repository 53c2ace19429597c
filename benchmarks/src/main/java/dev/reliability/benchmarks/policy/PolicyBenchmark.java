package dev.reliability.benchmarks.policy;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.function.CheckedSupplier;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.metrics.PolicyMetrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One successful call through a closed circuit breaker, alone and with retry and bulkhead, through
 * this library's {@link Policy}, Resilience4j's {@code Decorators} chain and Failsafe, with the
 * same settings: a count-based window of 100 calls, 100 minimum calls, 50% failure rate, slow calls
 * over 60 s at 100%, 60 s open, 3 half-open calls; 2 retries 100 ms apart; a semaphore bulkhead of
 * 25 permits without waiting. The work is a counter increment handed to a {@link Blackhole}; every
 * instance is shared by the benchmark's threads, as a service shares a policy.
 *
 * <p>Every variant is built once in setup (the decorated supplier, the Failsafe executor), so the
 * measured time is the per-call cost. The {@code *Metrics} variants bind the library's meters to a
 * Prometheus registry first: {@link PolicyMetrics} for ours, resilience4j-micrometer's {@code
 * Tagged*Metrics} for Resilience4j.
 *
 * <p>The methods are measured with 1 thread by {@link OneThread} and with 2 by {@link TwoThreads},
 * in one run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * 'dev.reliability.benchmarks.policy.*' -prof gc -f 2 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class PolicyBenchmark {

  static final int WINDOW = 100;
  static final float FAILURE_RATE_PERCENT = 50;
  static final Duration SLOW_CALL = Duration.ofSeconds(60);
  static final Duration WAIT_IN_OPEN = Duration.ofSeconds(60);
  static final int HALF_OPEN_CALLS = 3;
  static final int MAX_RETRIES = 2;
  static final Duration RETRY_DELAY = Duration.ofMillis(100);
  static final int BULKHEAD = 25;

  /**
   * The guarded work, one per thread: a counter handed to a blackhole. It also measures the
   * thread's CPU time per call in each measurement iteration (the counter counts the calls), a
   * figure that, unlike the wall-clock score, leaves out the time the thread waited for a core on a
   * loaded machine; it is printed as a {@code cpu-per-call} line at the end of each fork.
   */
  @State(Scope.Thread)
  public static class Work {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    Supplier<String> call;
    CheckedSupplier<String> checked;
    private long count;
    private long cpuStart;
    private long countStart;
    private final List<Double> cpuPerCall = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
      call =
          () -> {
            blackhole.consume(++count);
            return "ok";
          };
      checked = call::get;
    }

    @Setup(Level.Iteration)
    public void startIteration() {
      countStart = count;
      cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams iteration) {
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      long calls = count - countStart;
      if (iteration.getType() == IterationType.MEASUREMENT && calls > 0) {
        cpuPerCall.add(cpu / (double) calls);
      }
    }

    @TearDown(Level.Trial)
    public void report(BenchmarkParams benchmark) {
      double mean = cpuPerCall.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      System.out.printf(
          Locale.ROOT, "cpu-per-call %s %.1f %s%n", benchmark.getBenchmark(), mean, cpuPerCall);
    }
  }

  /** The policies, breakers, retries and bulkheads, shared by the threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    Policy ours;
    Policy oursMetrics;
    Policy oursFull;
    Policy oursFullMetrics;
    CircuitBreaker r4jBreaker;
    CircuitBreaker r4jBreakerMetrics;
    R4jFull r4jFull;
    R4jFull r4jFullMetrics;
    FailsafeExecutor<String> failsafe;
    FailsafeExecutor<String> failsafeFull;
    final List<PrometheusMeterRegistry> meters = new ArrayList<>();

    private PrometheusMeterRegistry meters() {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      meters.add(registry);
      return registry;
    }

    @Setup(Level.Trial)
    public void setUp() {
      // Logback without configuration logs DEBUG, and Resilience4j logs every call at DEBUG;
      // a service runs at INFO.
      ((ch.qos.logback.classic.Logger)
              org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.INFO);
      ours = oursBreaker();
      oursMetrics = oursBreaker();
      PolicyMetrics.of(oursMetrics).bindTo(meters());
      oursFull = oursFull();
      oursFullMetrics = oursFull();
      PolicyMetrics.of(oursFullMetrics).bindTo(meters());

      r4jBreaker = CircuitBreakerRegistry.of(r4jBreakerConfig()).circuitBreaker("bench");
      CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(r4jBreakerConfig());
      r4jBreakerMetrics = breakers.circuitBreaker("bench");
      TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters());
      r4jFull = new R4jFull(null);
      r4jFullMetrics = new R4jFull(meters());

      failsafe = Failsafe.with(failsafeBreaker());
      failsafeFull =
          Failsafe.with(
              dev.failsafe.RetryPolicy.<String>builder()
                  .withMaxRetries(MAX_RETRIES)
                  .withDelay(RETRY_DELAY)
                  .build(),
              failsafeBreaker(),
              dev.failsafe.Bulkhead.<String>builder(BULKHEAD).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
      oursMetrics.close();
      oursFull.close();
      oursFullMetrics.close();
    }
  }

  /** Resilience4j's retry, circuit breaker and bulkhead, optionally bound to a meter registry. */
  static final class R4jFull {
    final CircuitBreaker breaker;
    final Retry retry;
    final Bulkhead bulkhead;

    R4jFull(PrometheusMeterRegistry meters) {
      CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(r4jBreakerConfig());
      RetryRegistry retries = RetryRegistry.of(r4jRetryConfig());
      BulkheadRegistry bulkheads = BulkheadRegistry.of(r4jBulkheadConfig());
      breaker = breakers.circuitBreaker("bench");
      retry = retries.retry("bench");
      bulkhead = bulkheads.bulkhead("bench");
      if (meters != null) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
      }
    }

    /** Decorators apply inside out: retry > circuit breaker > bulkhead > call, our order. */
    Supplier<String> decorate(Supplier<String> call) {
      return Decorators.ofSupplier(call)
          .withBulkhead(bulkhead)
          .withCircuitBreaker(breaker)
          .withRetry(retry)
          .decorate();
    }
  }

  /** Each thread's Resilience4j chains, decorated once around the shared instances. */
  @State(Scope.Thread)
  public static class Chains {
    Supplier<String> r4jBreaker;
    Supplier<String> r4jBreakerMetrics;
    Supplier<String> r4jFull;
    Supplier<String> r4jFullMetrics;

    @Setup(Level.Trial)
    public void setUp(Shared s, Work w) {
      r4jBreaker = Decorators.ofSupplier(w.call).withCircuitBreaker(s.r4jBreaker).decorate();
      r4jBreakerMetrics =
          Decorators.ofSupplier(w.call).withCircuitBreaker(s.r4jBreakerMetrics).decorate();
      r4jFull = s.r4jFull.decorate(w.call);
      r4jFullMetrics = s.r4jFullMetrics.decorate(w.call);
    }
  }

  static CircuitBreakerConfig breakerConfig() {
    return CircuitBreakerConfig.builder()
        .failureThreshold(0) // Resilience4j and Failsafe have no consecutive-failure rule
        .failureRateThreshold(FAILURE_RATE_PERCENT / 100.0)
        .slidingWindowType(CircuitBreakerConfig.WindowType.COUNT_BASED)
        .slidingWindowSize(WINDOW)
        .minimumCalls(WINDOW)
        .slowCallThreshold(SLOW_CALL)
        .slowCallRateThreshold(1.0)
        .waitInOpen(WAIT_IN_OPEN)
        .halfOpenCalls(HALF_OPEN_CALLS)
        .build();
  }

  static Policy oursBreaker() {
    return Policy.builder("bench").circuitBreaker(breakerConfig()).build();
  }

  static Policy oursFull() {
    return Policy.builder("bench")
        .retry(
            RetryConfig.builder()
                .maxRetries(MAX_RETRIES)
                .backoff(Backoff.fixed(RETRY_DELAY))
                .noBudget()
                .build())
        .circuitBreaker(breakerConfig())
        .bulkhead(
            BulkheadConfig.builder().maxConcurrentCalls(BULKHEAD).maxWait(Duration.ZERO).build())
        .build();
  }

  static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig r4jBreakerConfig() {
    return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
        .failureRateThreshold(FAILURE_RATE_PERCENT)
        .slidingWindowType(
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType
                .COUNT_BASED)
        .slidingWindowSize(WINDOW)
        .minimumNumberOfCalls(WINDOW)
        .slowCallDurationThreshold(SLOW_CALL)
        .slowCallRateThreshold(100)
        .waitDurationInOpenState(WAIT_IN_OPEN)
        .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
        .build();
  }

  static io.github.resilience4j.retry.RetryConfig r4jRetryConfig() {
    return io.github.resilience4j.retry.RetryConfig.custom()
        .maxAttempts(MAX_RETRIES + 1)
        .waitDuration(RETRY_DELAY)
        .build();
  }

  static io.github.resilience4j.bulkhead.BulkheadConfig r4jBulkheadConfig() {
    return io.github.resilience4j.bulkhead.BulkheadConfig.custom()
        .maxConcurrentCalls(BULKHEAD)
        .maxWaitDuration(Duration.ZERO)
        .build();
  }

  static dev.failsafe.CircuitBreaker<String> failsafeBreaker() {
    return dev.failsafe.CircuitBreaker.<String>builder()
        .withFailureThreshold((int) (WINDOW * FAILURE_RATE_PERCENT / 100), WINDOW)
        .withDelay(WAIT_IN_OPEN)
        .withSuccessThreshold(HALF_OPEN_CALLS)
        .build();
  }

  @Benchmark
  public String bare(Work work) {
    return work.call.get();
  }

  @Benchmark
  public String oursCircuitBreaker(Shared s, Work work) {
    return s.ours.execute(work.call);
  }

  @Benchmark
  public String oursCircuitBreakerMetrics(Shared s, Work work) {
    return s.oursMetrics.execute(work.call);
  }

  @Benchmark
  public String oursRetryBreakerBulkhead(Shared s, Work work) {
    return s.oursFull.execute(work.call);
  }

  @Benchmark
  public String oursRetryBreakerBulkheadMetrics(Shared s, Work work) {
    return s.oursFullMetrics.execute(work.call);
  }

  @Benchmark
  public String r4jCircuitBreaker(Chains c) {
    return c.r4jBreaker.get();
  }

  @Benchmark
  public String r4jCircuitBreakerMetrics(Chains c) {
    return c.r4jBreakerMetrics.get();
  }

  @Benchmark
  public String r4jRetryBreakerBulkhead(Chains c) {
    return c.r4jFull.get();
  }

  @Benchmark
  public String r4jRetryBreakerBulkheadMetrics(Chains c) {
    return c.r4jFullMetrics.get();
  }

  @Benchmark
  public String failsafeCircuitBreaker(Shared s, Work work) {
    return s.failsafe.get(work.checked);
  }

  @Benchmark
  public String failsafeRetryBreakerBulkhead(Shared s, Work work) {
    return s.failsafeFull.get(work.checked);
  }
}
