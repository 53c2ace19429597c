package dev.reliability.benchmarks.policy;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.core.time.TimeSource;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost a concurrency limit adds to each call: take a permit, then give it back with the call's
 * latency as the sample. Compared in one run: this library's {@link AdaptiveLimiter} (gradient and
 * AIMD), Netflix concurrency-limits' {@code SimpleLimiter} with its {@code Gradient2Limit} and
 * {@code AIMDLimit} (its {@code acquire} returns an {@code Optional} listener), and Resilience4j's
 * semaphore {@code Bulkhead} (a fixed limit, no sample); plus this library's {@link
 * AdaptiveThrottle} (ask, then report the answer), which has no Java peer. The call itself does
 * nothing, so the figures are the limiters' own cost. Every limiter is shared by the calling
 * threads ({@link LimiterOneThread}, {@link LimiterTwoThreads}), as a service shares it.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * 'Limiter(One|Two)Thread' -prof gc -f 2 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class LimiterBenchmark {

  /** The latency every call reports, so that the adaptive limits hold still: 1 ms. */
  static final long LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** The limiters, shared by the calling threads. */
  @State(Scope.Benchmark)
  public static class Limiters {
    AdaptiveLimiter oursGradient;
    AdaptiveLimiter oursAimd;
    AdaptiveThrottle oursThrottle;
    Limiter<Void> netflixGradient2;
    Limiter<Void> netflixAimd;
    Bulkhead r4jBulkhead;

    @Setup
    public void setUp() {
      oursGradient =
          AdaptiveLimiter.create(
              "bench", AdaptiveLimitConfig.builder().initialLimit(100).maxLimit(200).build());
      oursAimd =
          AdaptiveLimiter.create(
              "bench",
              AdaptiveLimitConfig.builder()
                  .algorithm(AdaptiveLimitConfig.Algorithm.AIMD)
                  .initialLimit(100)
                  .maxLimit(200)
                  .build());
      oursThrottle =
          AdaptiveThrottle.create("bench", ThrottleConfig.ofDefaults(), TimeSource.system());
      netflixGradient2 =
          SimpleLimiter.newBuilder()
              .limit(Gradient2Limit.newBuilder().initialLimit(100).maxConcurrency(200).build())
              .build();
      netflixAimd =
          SimpleLimiter.newBuilder()
              .limit(AIMDLimit.newBuilder().initialLimit(100).maxLimit(200).build())
              .build();
      r4jBulkhead = Bulkhead.of("bench", BulkheadConfig.custom().maxConcurrentCalls(100).build());
    }
  }

  @Benchmark
  public boolean oursGradient(Limiters l) {
    AdaptiveLimiter limiter = l.oursGradient;
    if (!limiter.tryAcquire()) {
      return false;
    }
    limiter.onSuccess(LATENCY_NANOS);
    return true;
  }

  @Benchmark
  public boolean oursAimd(Limiters l) {
    AdaptiveLimiter limiter = l.oursAimd;
    if (!limiter.tryAcquire()) {
      return false;
    }
    limiter.onSuccess(LATENCY_NANOS);
    return true;
  }

  @Benchmark
  public boolean netflixGradient2(Limiters l) {
    Optional<Limiter.Listener> listener = l.netflixGradient2.acquire(null);
    if (listener.isEmpty()) {
      return false;
    }
    listener.get().onSuccess();
    return true;
  }

  @Benchmark
  public boolean netflixAimd(Limiters l) {
    Optional<Limiter.Listener> listener = l.netflixAimd.acquire(null);
    if (listener.isEmpty()) {
      return false;
    }
    listener.get().onSuccess();
    return true;
  }

  @Benchmark
  public boolean resilience4jBulkhead(Limiters l) {
    if (!l.r4jBulkhead.tryAcquirePermission()) {
      return false;
    }
    l.r4jBulkhead.onComplete();
    return true;
  }

  @Benchmark
  public boolean oursThrottle(Limiters l) {
    AdaptiveThrottle throttle = l.oursThrottle;
    if (!throttle.tryAcquire()) {
      return false;
    }
    throttle.onAccepted();
    return true;
  }
}
