package dev.reliability.benchmarks.health;

import com.codahale.metrics.health.annotation.Async;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The probe path with 50 registered checks: this library's readiness probe answered from cached
 * results, the same probe with caching off (every probe runs all 50 checks in parallel on the
 * registry's check threads), and Dropwizard's {@code HealthCheckRegistry.runHealthChecks()} with
 * plain checks (run on the caller's thread) and with {@code @Async} checks (results cached by its
 * scheduler). Every check is trivial, so this measures the machinery, not the checks.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * HealthProbeBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class HealthProbeBenchmark {

  @Param({"reliability-cached", "reliability-uncached", "dropwizard", "dropwizard-async"})
  public String impl;

  @Param({"50"})
  public int checks;

  private HealthCheckRegistry registry;
  private com.codahale.metrics.health.HealthCheckRegistry dropwizard;
  private ScheduledExecutorService dropwizardScheduler;

  @Setup(Level.Trial)
  public void setUp() {
    switch (impl) {
      case "reliability-cached":
      case "reliability-uncached":
        registry =
            HealthCheckRegistry.builder()
                .name("bench")
                .configSource(ConfigSource.empty())
                .maxConcurrency(8)
                .build();
        Duration ttl = impl.equals("reliability-cached") ? Duration.ofHours(1) : Duration.ZERO;
        for (int i = 0; i < checks; i++) {
          registry.register(
              "check-" + i,
              HealthCheckResult::healthy,
              HealthCheckConfig.builder().cacheTtl(ttl).build());
        }
        registry.lifecycle().markStartupComplete();
        registry.readiness();
        break;
      case "dropwizard":
        dropwizard = new com.codahale.metrics.health.HealthCheckRegistry();
        for (int i = 0; i < checks; i++) {
          dropwizard.register("check-" + i, new PlainCheck());
        }
        break;
      default:
        dropwizardScheduler = Executors.newScheduledThreadPool(2);
        dropwizard = new com.codahale.metrics.health.HealthCheckRegistry(dropwizardScheduler);
        for (int i = 0; i < checks; i++) {
          dropwizard.register("check-" + i, new CachedCheck());
        }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (registry != null) {
      registry.close();
    }
    if (dropwizard != null) {
      dropwizard.shutdown();
    }
    if (dropwizardScheduler != null) {
      dropwizardScheduler.shutdownNow();
    }
  }

  /**
   * One readiness probe.
   *
   * @return whether the service is healthy, so the result is used
   */
  @Benchmark
  public boolean probe() {
    if (registry != null) {
      return registry.readiness().status() == HealthStatus.HEALTHY;
    }
    SortedMap<String, com.codahale.metrics.health.HealthCheck.Result> results =
        dropwizard.runHealthChecks();
    for (Map.Entry<String, com.codahale.metrics.health.HealthCheck.Result> e : results.entrySet()) {
      if (!e.getValue().isHealthy()) {
        return false;
      }
    }
    return true;
  }

  /** A Dropwizard check run on every call. */
  static final class PlainCheck extends com.codahale.metrics.health.HealthCheck {
    @Override
    protected Result check() {
      return Result.healthy();
    }
  }

  /** A Dropwizard check its registry runs hourly in the background and caches. */
  @Async(period = 1, unit = TimeUnit.HOURS)
  static final class CachedCheck extends com.codahale.metrics.health.HealthCheck {
    @Override
    protected Result check() {
      return Result.healthy();
    }
  }
}
